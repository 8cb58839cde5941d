/**
 * What a citizen's phone may download before its personal QR shows: the entry script and the modules it preloads,
 * gzip-compressed. The web build fails above it (vite.config.ts); the browser suite checks what is really sent.
 */
export const CITIZEN_ENTRY_BUDGET_BYTES = 120 * 1024;
