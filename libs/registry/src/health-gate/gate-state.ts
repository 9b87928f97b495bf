/**
 * The damping of a health gate: the status changes only after `threshold` consecutive results
 * that disagree with it. Pure.
 * @internal
 */
export class GateState {
  private healthy = true;
  private streak = 0;

  constructor(private readonly threshold: number) {}

  /** Whether the gate holds the instances `DOWN` now. */
  get down(): boolean {
    return !this.healthy;
  }

  /** Records one check result; returns the change it causes, if any. */
  record(healthy: boolean): 'down' | 'up' | undefined {
    if (healthy === this.healthy) {
      this.streak = 0;
      return undefined;
    }
    if (++this.streak < this.threshold) return undefined;
    this.healthy = healthy;
    this.streak = 0;
    return healthy ? 'up' : 'down';
  }
}
