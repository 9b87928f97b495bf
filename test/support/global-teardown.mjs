// Runs once after every suite, also when a worker died mid-suite: stops every process the tests
// started that is still running (the ledger of scripts/lib/pid-ledger.mjs), and says which.
import { LEDGER_ENV, reapLedger } from '../../scripts/lib/pid-ledger.mjs';
import { DEFAULT_LEDGER, reportReaped } from './process-ledger.mjs';

export default function globalTeardown() {
  reportReaped('this run', reapLedger(process.env[LEDGER_ENV] ?? DEFAULT_LEDGER));
}
