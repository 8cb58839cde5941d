/**
 * The import rules of docs/ARCHITECTURE.md, checked by `npm run lint` (dependency-cruiser, parsing TypeScript with
 * swc: TypeScript 7 has no JavaScript API). A rule here is a rule of the architecture: change both together.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import circles anywhere (type-only imports included: a circle of types is still a circle).',
      from: { path: '^(src|test|bench|e2e)/' },
      to: { circular: true },
    },
    {
      name: 'module-public-entry',
      severity: 'error',
      comment:
        'A module uses another module only through its public entry (index.ts) or its API types and value lists ' +
        '(schemas.ts, constants.ts) — never its repo, service or other files.',
      from: { path: '^src/server/modules/([^/]+)/', pathNot: '\\.test\\.ts$' },
      to: {
        path: '^src/server/modules/[^/]+/',
        pathNot: ['^src/server/modules/$1/', '^src/server/modules/[^/]+/(index|schemas|constants)\\.ts$'],
      },
    },
    {
      name: 'modules-below-composition-root',
      severity: 'error',
      comment:
        'Modules get the platform context and their dependencies from the composition root; they never import it ' +
        '(src/server/context.ts, app.ts, main.ts, runtime.ts) nor the seeds.',
      from: { path: '^src/server/modules/', pathNot: '\\.test\\.ts$' },
      to: { path: '^src/server/(context|app|main|runtime)\\.ts$|^src/server/seed/' },
    },
    {
      name: 'platform-below-modules',
      severity: 'error',
      comment: 'The platform knows no business module and no composition root.',
      from: { path: '^src/server/platform/', pathNot: '\\.test\\.ts$' },
      to: { path: '^src/server/(modules/|seed/|(context|app|main|runtime)\\.ts$)' },
    },
    {
      name: 'db-below-platform',
      severity: 'error',
      comment: 'The database layer (connection, migrations, table types) imports neither platform nor modules.',
      from: { path: '^src/server/db/', pathNot: '\\.test\\.ts$' },
      to: { path: '^src/server/(platform|modules|seed)/|^src/server/(context|app|main|runtime)\\.ts$' },
    },
    {
      name: 'web-server-imports-through-lib',
      severity: 'error',
      comment:
        'The web app reaches the server only from src/web/lib (api-types.ts, roles.ts), which import the server ' +
        'schemas as types only (erased at build) and values only from dependency-free constants files; ' +
        "src/web/lib/api-types.test.ts checks the type-only part, which dependency-cruiser's swc parser cannot see.",
      from: { path: '^src/web/', pathNot: '^src/web/lib/|\\.test\\.ts$' },
      to: { path: '^src/server/' },
    },
    {
      name: 'constants-are-leaves',
      severity: 'error',
      comment: 'Value lists shared with the web app import nothing but other value lists.',
      from: { path: '^src/server/(modules/[^/]+/constants|platform/roles)\\.ts$' },
      to: { pathNot: '^src/server/(modules/[^/]+/constants|platform/roles)\\.ts$' },
    },
    {
      name: 'server-not-web',
      severity: 'error',
      comment: 'The server never imports the web app.',
      from: { path: '^src/server/' },
      to: { path: '^src/web/' },
    },
    {
      name: 'no-tests-in-product',
      severity: 'error',
      comment: 'Product code never imports test files, the test harness or fixtures.',
      from: { path: '^src/', pathNot: '\\.test\\.ts$' },
      to: { path: '\\.test\\.tsx?$|^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // .tsx files are left out: dependency-cruiser's swc parser reads TypeScript without JSX (and TypeScript 7 has no
    // JavaScript API for its own parser). Import circles through .tsx files are Biome's noImportCycles (npm run lint);
    // the web's imports from the server are checked by src/web/lib/api-types.test.ts.
    exclude: { path: '^(dist|node_modules)/|\\.tsx$' },
    parser: 'swc',
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
