/**
 * Connections still being carried out after a write, as some types show them (DESIGN §9): Web
 * and API Management read Approving/Rejecting, SQL a provisioningState of Approving before Ready,
 * Key Vault `Updating` at the connection URL it hands out to poll. Bounded by a count of reads
 * of the connection, never by wall time, so tests drive it deterministically.
 */
export interface SettlingView {
  status?: string;
  provisioningState?: string;
}

export class SettlingConnections {
  private readonly settling = new Map<string, SettlingView & { reads: number }>();

  /** The connection (lower-case ID) shows `view` for its next `reads` reads. */
  start(key: string, view: SettlingView, reads: number): void {
    if (reads > 0) this.settling.set(key, { ...view, reads });
    else this.settling.delete(key);
  }

  view(key: string): SettlingView | undefined {
    return this.settling.get(key);
  }

  /** Counts one read of the connection (a GET of it); the last one ends the settling. */
  read(key: string): void {
    const entry = this.settling.get(key);
    if (entry === undefined) return;
    entry.reads--;
    if (entry.reads <= 0) this.settling.delete(key);
  }
}
