/**
 * Starts the real server as it ships (`truyvet start` from the compiled dist/server: migrate, seed the demo province,
 * serve dist/web) on a free port with a fresh data directory, for one e2e test file; `stop()` kills it and deletes
 * the directory. It builds nothing: dist/ must exist (`npm run build`).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const READY_TIMEOUT_MS = 120_000;

export interface TestServer {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  adminPassword: string;
  /** What the server printed so far (for failure messages). */
  output: () => string;
  stop: () => Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function childEnv(dataDir: string, port: number, adminPassword: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    // nothing from the developer's own configuration may leak into the test server
    if (key.startsWith('TRUYVET_') || key === 'DATABASE_URL' || key === 'PORT' || key === 'NODE_ENV') continue;
    env[key] = value;
  }
  env.TRUYVET_DATA_DIR = dataDir;
  env.TRUYVET_ADMIN_PASSWORD = adminPassword;
  env.TRUYVET_LOG_LEVEL = 'warn';
  // a small demo province: seeding is most of a test file's start-up time
  env.TRUYVET_DEMO_PEOPLE = '300';
  env.PORT = String(port);
  if (process.env.E2E_DATABASE_URL) env.DATABASE_URL = process.env.E2E_DATABASE_URL;
  return env;
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Starts a server and resolves once GET /readyz answers 200. */
export async function startServer(): Promise<TestServer> {
  // the browser suite runs the product as it ships: the compiled server and the built web app
  if (!existsSync(join(ROOT, 'dist/web/index.html')) || !existsSync(join(ROOT, 'dist/server/main.js'))) {
    throw new Error('dist/ is incomplete: build the server and the web app first with `npm run build`');
  }
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'truyvet-e2e-'));
  const adminPassword = randomBytes(15).toString('base64url'); // 20 characters
  const url = `http://127.0.0.1:${port}`;
  let output = '';
  const child = spawn(process.execPath, ['bin/truyvet.js', 'start', '--port', String(port)], {
    cwd: ROOT,
    env: childEnv(dataDir, port, adminPassword),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      if (!(await waitForExit(child, 10_000))) {
        child.kill('SIGKILL');
        await waitForExit(child, 5_000);
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  try {
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`the server exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${output}`);
      }
      try {
        const response = await fetch(`${url}/readyz`);
        if (response.status === 200) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`the server was not ready within ${READY_TIMEOUT_MS} ms:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url,
    adminPassword,
    output: () => output,
    async stop() {
      await stop();
      // a request or a job that used the outer database handle inside its own transaction (the guard, on outside
      // production, refused it: src/server/db/transaction-guard.ts) fails the file even when the page coped with it
      const misuse = output.split('\n').find((line) => line.includes('OuterDbInTransactionError'));
      if (misuse) throw new Error(`the server refused the outer db inside a transaction:\n${misuse}`);
    },
  };
}
