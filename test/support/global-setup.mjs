// Runs once before every suite (plain JS: Jest loads global setup outside its module mapper).
// A missing server binary fails the whole run with the command that installs it; never a skip.
// It also opens the ledger of the processes the tests start (scripts/lib/pid-ledger.mjs), and
// stops what a run that died before its teardown left in it.
import { requireInstalled } from '../../scripts/lib/binaries.mjs';
import { LEDGER_ENV, reapLedger } from '../../scripts/lib/pid-ledger.mjs';
import { DEFAULT_LEDGER, reportReaped } from './process-ledger.mjs';

export default function globalSetup() {
  requireInstalled('etcd', 'redis', 'zookeeper');
  process.env[LEDGER_ENV] ??= DEFAULT_LEDGER; // inherited by the workers and every child they start
  reportReaped('an earlier run', reapLedger(process.env[LEDGER_ENV]));
}
