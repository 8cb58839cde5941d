#!/usr/bin/env node
// Entry point of the `truyvet` CLI. The server is TypeScript run through tsx's loader, so there is no separate
// server build step; the web app is built by Vite (`npm run build:web`).
import { register } from 'tsx/esm/api';

register();
await import('../src/server/main.ts');
