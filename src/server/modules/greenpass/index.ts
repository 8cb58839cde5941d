/**
 * Public entry of the greenpass module: green pass certificates (HCERT / EU DCC) — issuance, the signer keys and
 * trust list, revocation, verification — and the DCC conformance tool.
 */
export { type ConformanceReport, conformanceCommand, UnusableInputError } from './cli.ts';
