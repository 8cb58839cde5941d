import { useCallback, useState } from 'react';

/**
 * The state of something the user started (a save, a sign-in, a search): `busy` while `run(action)` runs, the error
 * it threw (shown with ErrorMessage) until the next run. `run` resolves true when the action succeeded; the action
 * itself does what success means (messages, reload, navigation); `reset()` clears the error (a form that fails its
 * own checks before running). The counterpart of useApiGet for writes.
 */
export function useApiAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = useCallback(async (action: () => Promise<unknown>): Promise<boolean> => {
    setBusy(true);
    setError(null);
    try {
      await action();
      return true;
    } catch (e) {
      setError(e);
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  const reset = useCallback(() => setError(null), []);
  return { busy, error, run, reset };
}
