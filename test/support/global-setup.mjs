// Runs once before every suite (plain JS: Jest loads global setup outside its module mapper).
// A missing server binary fails the whole run with the command that installs it; never a skip.
import { requireInstalled } from '../../scripts/lib/binaries.mjs';

export default function globalSetup() {
  requireInstalled('etcd', 'redis', 'zookeeper');
}
