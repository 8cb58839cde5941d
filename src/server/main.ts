/**
 * The `truyvet` command line: serve | start | migrate | seed-demo | import-units | audit verify|head|who-viewed |
 * users add | en export-now|match | simulate-ble | dcc conformance.
 */
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { buildApp } from './app.ts';
import { type Config, ConfigError, loadConfig } from './config.ts';
import type { AppContext } from './context.ts';
import { formatSimulationReport, matchCommand, readBytes, simulateBle } from './modules/exposure/index.ts';
import { conformanceCommand, UnusableInputError } from './modules/greenpass/index.ts';
import { GENESIS_HASH } from './platform/audit.ts';
import { createLogger } from './platform/logger.ts';
import { generatePassword } from './platform/passwords.ts';
import { bootstrapAdmin, closeRuntime, openRuntime } from './runtime.ts';
import { ensureUnits, isDemoSeeded, seedDemo } from './seed/demo.ts';
import { seedScale, seedScaleCases } from './seed/scale.ts';

type Role = 'api' | 'worker' | 'all';

function config(overrides: Partial<Config> = {}): Config {
  try {
    return loadConfig(process.env, overrides);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
}

async function withRuntime<T>(cfg: Config, fn: (ctx: AppContext) => Promise<T>): Promise<T> {
  const ctx = await openRuntime(cfg, createLogger(cfg));
  try {
    return await fn(ctx);
  } finally {
    await closeRuntime(ctx);
  }
}

function printStaff(result: Awaited<ReturnType<typeof seedDemo>>) {
  const { outbreak } = result;
  if (outbreak.cases > 0) {
    console.log(
      `\nDemo outbreak: ${outbreak.cases} cases, ${outbreak.f1} F1 and ${outbreak.f2} F2 traced, ` +
        `${outbreak.quarantineOrders} quarantine orders (tracer.dongnai sees them under "Ca bệnh")`,
    );
    if (outbreak.quarantinedPhone)
      console.log(`  A citizen under quarantine: sign in with the phone number ${outbreak.quarantinedPhone}`);
  }
  if (result.declarations.ownerPhone)
    console.log(
      `\nAn enterprise owner (two enterprises in Biên Hòa's industrial parks, "Doanh nghiệp của tôi"): sign in with the phone number ${result.declarations.ownerPhone}`,
    );
  if (result.staff.length === 0) return;
  console.log('\nDemo staff accounts (passwords are shown only this once):');
  for (const s of result.staff)
    console.log(`  ${s.username.padEnd(20)} ${s.password}   ${s.role} @ ${s.unitCode ?? 'national'}`);
}

/**
 * Who can sign in, and how. Every page but the sign-in screen (and reading the API docs) needs a signed-in account,
 * so the banner names the account that opens each thing rather than listing addresses.
 */
function printAccounts(
  cfg: Config,
  admin: { created: boolean; password?: string },
  demo: { seeded: boolean; now: boolean },
): void {
  const adminPassword = admin.password
    ? `password ${admin.password}  (generated now, shown once; set TRUYVET_ADMIN_PASSWORD to choose it)`
    : admin.created
      ? 'password: the one in TRUYVET_ADMIN_PASSWORD'
      : 'password: the one it was created with';
  const lines = [
    'Sign in there: staff on the "Cán bộ" tab, citizens with a phone number.',
    '  admin           the national administrator: every province, staff accounts, the audit log',
    `                  ${adminPassword}`,
  ];
  if (demo.seeded)
    lines.push(
      "  admin.dongnai   the demo province's administrator (Đồng Nai only), as a province would run it;",
      `                  it and the other demo staff (tracer.dongnai: the outbreak's cases) sign in with the passwords`,
      `                  ${demo.now ? 'printed above' : 'printed when the province was seeded'}`,
    );
  if (cfg.notify === 'fake')
    lines.push(
      '  citizens        any phone number; the one-time code (fake SMS) is shown on the sign-in screen, and',
      '                  signed in as admin, every message sent is on the page "Hộp thư thử nghiệm" (/outbox)',
    );
  else lines.push('  citizens        any phone number; the one-time code comes by SMS');
  for (const line of lines) console.log(`  ${line}`);
}

/** Where venue QR codes and posters send a phone's camera: TRUYVET_PUBLIC_URL, or each request's own address. */
function publicUrlLine(cfg: Config): string {
  return cfg.publicUrl
    ? `Public URL: ${cfg.publicUrl} (TRUYVET_PUBLIC_URL): venue QR codes and posters link there`
    : 'Public URL: derived per request (TRUYVET_PUBLIC_URL is not set): venue QR codes and posters link to the ' +
        "address the venue manager's browser used";
}

async function serve(cfg: Config, role: Role, demo: boolean): Promise<void> {
  const log = createLogger(cfg);
  const ctx = await openRuntime(cfg, log);
  const admin = await bootstrapAdmin(ctx, demo);
  const seededNow = demo && !(await isDemoSeeded(ctx));
  if (seededNow) {
    console.log('Seeding the demo province (Đồng Nai)…');
    printStaff(
      await seedDemo(ctx, {
        people: cfg.demoPeople,
        ...(cfg.demoCases !== undefined ? { cases: cfg.demoCases } : {}),
        log: (l) => console.log(`  ${l}`),
      }),
    );
  }
  const demoSeeded = seededNow || (await isDemoSeeded(ctx));
  if (role !== 'api') {
    for (const m of ctx.modules) await m.onWorkerStart?.();
    for (const task of ctx.tasks) await task.schedule();
    ctx.jobs.start();
  }
  let close = async () => {};
  if (role !== 'worker') {
    const app = await buildApp(ctx);
    await app.listen({ port: cfg.port, host: cfg.host });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : cfg.port;
    const url = `http://localhost:${port}`;
    console.log(
      `\nTruyvet is running at ${url}  (database: ${ctx.database.kind}${ctx.database.kind === 'pglite' ? ` in ${cfg.dataDir}` : ''})`,
    );
    printAccounts(cfg, admin, { seeded: demoSeeded, now: seededNow });
    console.log(
      `  API docs: ${url}/docs  (open to read; trying a call needs a bearer token from POST /api/v1/auth/staff/login)`,
    );
    console.log(`  ${publicUrlLine(cfg)}`);
    log.info(
      { publicUrl: cfg.publicUrl ?? null, publicUrlSource: cfg.publicUrl ? 'configured' : 'request' },
      cfg.publicUrl ? 'public URL configured' : 'public URL derived per request',
    );
    close = () => app.close();
  } else {
    console.log('Truyvet worker running (jobs only)');
  }
  if (
    !admin.created &&
    !(await ctx.db.selectFrom('staff_users').select('id').where('username', '=', 'admin').executeTakeFirst())
  ) {
    log.warn('no admin account exists: set TRUYVET_ADMIN_PASSWORD and restart to create one');
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    await close();
    await closeRuntime(ctx);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

const program = new Command('truyvet').description('Truyvet — epidemic response platform').showHelpAfterError();
const roleOption = new Option('--role <role>', 'api = HTTP only, worker = background jobs only, all = both')
  .choices(['api', 'worker', 'all'])
  .default('all');

program
  .command('serve')
  .description('migrate, then serve the API and web app')
  .option('--port <n>', 'port to listen on (default PORT or 3000)')
  .addOption(roleOption)
  .action(async (opts: { port?: string; role: Role }) => {
    await serve(config(opts.port ? { port: Number(opts.port) } : {}), opts.role, false);
  });

program
  .command('start')
  .description('the demo: migrate, seed the demo province if empty, serve')
  .option('--port <n>', 'port to listen on (default PORT or 3000)')
  .addOption(roleOption)
  .action(async (opts: { port?: string; role: Role }) => {
    await serve(config(opts.port ? { port: Number(opts.port) } : {}), opts.role, true);
  });

program
  .command('migrate')
  .description('apply pending database migrations')
  .action(async () => {
    await withRuntime(config(), async () => console.log('database is up to date'));
  });

program
  .command('seed-demo')
  .description('create the deterministic demo province (Đồng Nai)')
  .option('--people <n>', 'number of synthetic people', '2000')
  .option('--days <n>', 'days of synthetic check-ins', '14')
  .option('--venues <n>', 'number of venues (default: one per 8 people)')
  .option(
    '--cases <n>',
    'cases of the ongoing outbreak that traced contacts (default: ~1 per 60 people, at least 10 from 300 people; ' +
      '0 = none); with --scale, bulk cases for the first N scale people',
  )
  .option('--scale', 'bulk benchmark data generated in the database (people, venues and --checkins N check-ins)')
  .option('--checkins <n>', 'with --scale: number of check-ins to add', '1000000')
  .option('--case-contacts <n>', 'with --scale and --cases: evidence rows of the newest case (list benchmarks)', '0')
  .option('--seed <n>', 'random seed', '2021')
  .action(
    async (opts: {
      people: string;
      seed: string;
      days: string;
      venues?: string;
      cases?: string;
      scale?: boolean;
      checkins: string;
      caseContacts: string;
    }) => {
      await withRuntime(config(), async (ctx) => {
        const t = Date.now();
        if (opts.scale) {
          await ensureUnits(ctx);
          const totals = await seedScale(ctx, {
            people: Number(opts.people),
            venues: Number(opts.venues ?? 20000),
            checkins: Number(opts.checkins),
            days: Number(opts.days),
            seed: Number(opts.seed),
            log: (l) => console.log(l),
          });
          console.log(
            `scale data: ${totals.people} people, ${totals.venues} venues, ${totals.checkins} check-ins in ${((Date.now() - t) / 1000).toFixed(1)} s`,
          );
          await ctx.services.people.countUnits();
          if (opts.cases !== undefined) {
            const made = await seedScaleCases(ctx, {
              cases: Number(opts.cases),
              caseContacts: Number(opts.caseContacts),
              days: Number(opts.days),
              log: (l) => console.log(l),
            });
            console.log(
              `scale cases: ${made.cases} cases, ${made.contacts} pieces of evidence for the newest in ${((Date.now() - t) / 1000).toFixed(1)} s`,
            );
          }
          return;
        }
        const result = await seedDemo(ctx, {
          people: Number(opts.people),
          seed: Number(opts.seed),
          days: Number(opts.days),
          ...(opts.venues ? { venues: Number(opts.venues) } : {}),
          ...(opts.cases !== undefined ? { cases: Number(opts.cases) } : {}),
          log: (l) => console.log(l),
        });
        printStaff(result);
        console.log(`done in ${((Date.now() - t) / 1000).toFixed(1)} s`);
      });
    },
  );

program
  .command('import-units <csv>')
  .description('import administrative units from a CSV (code,parent_code,level,type,name); idempotent')
  .action(async (file: string) => {
    await withRuntime(config(), async (ctx) => {
      const result = await ctx.services.adminUnits.importCsv(readFileSync(file, 'utf8'));
      console.log(`${result.units} units imported`);
    });
  });

const audit = program.command('audit').description('audit log tools');
audit
  .command('verify')
  .description('check the audit log hash chain; exits 1 when a row was altered or removed')
  .option('--head <hash>', 'a head printed earlier by `audit head`: also fail when the chain no longer reaches it')
  .action(async (opts: { head?: string }) => {
    if (opts.head !== undefined && !/^[0-9a-f]{64}$/.test(opts.head)) {
      console.error('--head must be the 64-character hex hash printed by `truyvet audit head`');
      process.exitCode = 2;
      return;
    }
    const result = await withRuntime(config(), (ctx) => ctx.audit.verify({ head: opts.head }));
    if (result.ok) {
      console.log(`audit log OK: ${result.checked} rows verified${opts.head ? ', head reached' : ''}`);
    } else if (result.brokenAt !== undefined) {
      console.error(
        `audit log BROKEN at row ${result.brokenAt}: ${result.reason} (${result.checked} rows verified before it)`,
      );
      process.exitCode = 1;
    } else {
      console.error(`audit log TRUNCATED: ${result.reason} (${result.checked} rows verified)`);
      process.exitCode = 1;
    }
  });

audit
  .command('head')
  .description("print the chain's newest row (id and hash); keep it outside the database to detect truncation")
  .action(async () => {
    const head = await withRuntime(config(), (ctx) => ctx.audit.head());
    if (head) console.log(`${head.id} ${head.hash}`);
    else console.log(`0 ${GENESIS_HASH} (empty log)`);
  });

/** A time as the province reads it: `2026-11-30 14:05:09 +07:00` (Asia/Ho_Chi_Minh has no daylight saving). */
const localTime = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Asia/Ho_Chi_Minh',
  dateStyle: 'short',
  timeStyle: 'medium',
});

audit
  .command('who-viewed <personId>')
  .description('every recorded access to a person (read alone or returned by a search or list), newest first')
  .option('--limit <n>', 'at most this many accesses', '1000')
  .action(async (personId: string, opts: { limit: string }) => {
    const limit = Number(opts.limit);
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(personId)) {
      console.error('personId must be a person id (UUID)');
      process.exitCode = 2;
      return;
    }
    if (!Number.isInteger(limit) || limit < 1) {
      console.error('--limit must be a positive integer');
      process.exitCode = 2;
      return;
    }
    const rows = await withRuntime(config(), (ctx) => ctx.audit.accessesTo(personId.toLowerCase(), { limit }));
    if (rows.length === 0) {
      console.log('no recorded access to this person');
      return;
    }
    for (const r of rows) {
      const who = r.username ?? (r.actorId ? `${r.actorType}:${r.actorId}` : r.actorType);
      const outcome = r.outcome === 'ok' ? '' : `  (${r.outcome})`;
      console.log(`${localTime.format(r.at)} +07:00  ${who}  ${r.action}  ${r.route ?? '-'}${outcome}`);
    }
  });

const users = program.command('users').description('staff accounts');
users
  .command('add')
  .description('create a staff account; the password comes from TRUYVET_NEW_USER_PASSWORD or is generated and printed')
  .requiredOption('--username <name>')
  .requiredOption('--role <role>')
  .option('--unit <code>', 'admin unit of the grant (omit for national scope)')
  .option('--display-name <name>')
  .action(async (opts: { username: string; role: string; unit?: string; displayName?: string }) => {
    const cfg = config();
    await withRuntime(cfg, async (ctx) => {
      const password = cfg.newUserPassword ?? generatePassword();
      const { id } = await ctx.services.staff.create(
        { kind: 'system', name: 'cli' },
        {
          username: opts.username,
          password,
          role: opts.role,
          unitCode: opts.unit ?? null,
          displayName: opts.displayName,
        },
      );
      console.log(`created ${opts.username} (${id})`);
      if (!cfg.newUserPassword) console.log(`password (shown once): ${password}`);
    });
  });

const en = program.command('en').description('Bluetooth exposure notification: the GAEN key server and client tools');
en.command('export-now')
  .description('publish the keys waiting for publication as a signed batch now (the hourly job does it as well)')
  .action(async () => {
    const r = await withRuntime(config(), (ctx) => ctx.services.exposure.publish({ force: true }));
    console.log(`published ${r.path}: ${r.keys} keys and ${r.padding} padding keys`);
    // GAEN: a key goes out only once its validity has ended (and the embargo after it): say what waits, and till when
    if (r.held > 0)
      console.log(`held back: ${r.held} keys still valid or just ended; the first may go out at ${r.heldUntil}`);
  });
en.command('match')
  .description('match an export against observed RPIs: one JSON line per matched diagnosis key, then "N matched"')
  .requiredOption('--export <file>', 'export.zip (export.bin + export.sig) or export.bin')
  .requiredOption('--observed <file>', 'JSON [{rpi: hex, at: unix seconds, attenuation: dB}]')
  .option('--public-key <file>', "the key server's public key (PEM): check the zip's signature first")
  .action(async (opts: { export: string; observed: string; publicKey?: string }) => {
    const pem = opts.publicKey ? readFileSync(opts.publicKey, 'utf8') : undefined;
    for (const line of await matchCommand(readBytes(opts.export), readFileSync(opts.observed, 'utf8'), pem)) {
      console.log(line);
    }
  });

program
  .command('simulate-ble')
  .description('a synthetic town of phones exchanging Bluetooth identifiers: precision and recall of the alerts')
  .option('--phones <n>', 'virtual phones', '2000')
  .option('--days <n>', 'simulated days', '1')
  .option('--f0-share <x>', 'share of phones that become F0 and upload', '0.01')
  .option('--checkin-compliance <x>', 'share of venue visitors who scan the QR', '0.7')
  .option('--seed <n>', 'random seed', '2021')
  .action(async (opts: { phones: string; days: string; f0Share: string; checkinCompliance: string; seed: string }) => {
    const report = await simulateBle({
      phones: Number(opts.phones),
      days: Number(opts.days),
      f0Share: Number(opts.f0Share),
      checkinCompliance: Number(opts.checkinCompliance),
      seed: Number(opts.seed),
    });
    for (const line of formatSimulationReport(report)) console.log(line);
  });

const dcc = program.command('dcc').description('green pass (EU Digital COVID Certificate / HCERT) tools');
dcc
  .command('conformance <dir>')
  .description(
    'run the EU DCC test-data checks on every *.json under <dir>: one JSON line per check, then "N passed, N failed"',
  )
  .option('--schema', 'also run SCHEMAVALIDATION against the DCC 1.3.0 schema')
  .action(async (dir: string, opts: { schema?: boolean }) => {
    try {
      const report = await conformanceCommand(dir, { schema: opts.schema, onLine: (line) => console.log(line) });
      for (const u of report.unreadable) console.error(`skipped ${u}`);
    } catch (err) {
      if (!(err instanceof UnusableInputError)) throw err;
      console.error(err.message);
      process.exit(2);
    }
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
