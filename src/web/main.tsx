import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { i18nReady } from './i18n/index.ts';
import './styles.css';
import { App } from './App.tsx';
import { SessionProvider } from './lib/session.tsx';

const root = document.getElementById('root');
if (!root) throw new Error('missing #root');

// the first paint is already in the chosen language (English is fetched first when it was the last choice)
await i18nReady;
createRoot(root).render(
  <StrictMode>
    <SessionProvider>
      <App />
    </SessionProvider>
  </StrictMode>,
);

// The offline app shell: only in production builds, so the dev server's hot reload is never cached.
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => {
      // Without a service worker the app still works online; nothing to tell the user.
    });
  });
}
