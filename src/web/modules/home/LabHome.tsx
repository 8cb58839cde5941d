/**
 * The lab's home, a placeholder: what the lab can do today and links to it. The testing module, which owns the lab's
 * screens, replaces this with a home of its own (the `lab` entry of roleHomes.tsx).
 */
import type { StaffUser } from '../../lib/api-types.ts';
import { RoleTasks } from './RoleTasks.tsx';

export function LabHome({ user }: { user: StaffUser }) {
  return <RoleTasks user={user} staffRole="lab" paths={['/lab', '/testing/labels', '/people']} soon={false} />;
}
