/**
 * The in-memory store every pipeline test uses runs the same contract as the file and Table
 * stores (issue 16), so it cannot drift from them unnoticed.
 */
import { createMemoryAuditStore, type MemoryAuditStore } from '../support/memory-audit-store.js';
import { auditStoreContract } from './audit-store.contract.js';

let current: MemoryAuditStore | undefined;

auditStoreContract('in memory (test/support)', {
  async open() {
    current = createMemoryAuditStore();
    return current;
  },
  async reopen() {
    current = (current as MemoryAuditStore).reopen();
    return current;
  },
});
