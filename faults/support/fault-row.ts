// How a fault row reports: each step done to the service and each check made, printed as it happens.
export interface FaultRow {
  /** Something done to the service (a kill, a storm, a forged request). */
  did(what: string): void;
  /** A property checked afterwards, with the figures it was checked on. */
  checked(what: string): void;
}

export function faultRow(name: string): FaultRow {
  const print = (mark: string, text: string) => console.log(`[fault: ${name}] ${mark} ${text}`);
  return {
    did: (what) => print('did    ', what),
    checked: (what) => print('checked', what),
  };
}
