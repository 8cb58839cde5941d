/** The cases module's citizen page for the app shell (App.tsx asks here first): exposure alerts. */
import type { ReactNode } from 'react';
import { MyAlertsPage } from './MyAlertsPage.tsx';

export function casesCitizenPage(path: string): ReactNode | null {
  return path === '/exposures' ? <MyAlertsPage /> : null;
}
