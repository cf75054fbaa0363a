/** Staff roles: `viewer` looks up and verifies; `operator` also changes codes and reads the audit log. */
export type StaffRole = 'viewer' | 'operator';

/** Every action a console route performs, checked against the signed-in staff member's role. */
export type ConsoleAction =
  | 'code.lookup'
  | 'code.live_status'
  | 'code.bundle'
  | 'voucher.verify'
  | 'review.read'
  | 'reconcile.read'
  | 'code.cancel'
  | 'review.resolve'
  | 'share.resend'
  | 'audit.read';

/** Which roles may perform each action: the one table every route consults. */
export const CONSOLE_PERMISSIONS: Readonly<Record<ConsoleAction, readonly StaffRole[]>> = {
  'code.lookup': ['viewer', 'operator'],
  'code.live_status': ['viewer', 'operator'],
  'code.bundle': ['viewer', 'operator'],
  'voucher.verify': ['viewer', 'operator'],
  'review.read': ['viewer', 'operator'],
  'reconcile.read': ['viewer', 'operator'],
  'code.cancel': ['operator'],
  'review.resolve': ['operator'],
  'share.resend': ['operator'],
  'audit.read': ['operator'],
};

/** Whether `value` is a staff role. */
export function isStaffRole(value: unknown): value is StaffRole {
  return value === 'viewer' || value === 'operator';
}

/** Whether `role` may perform `action` (unknown roles may do nothing). */
export function canPerform(role: unknown, action: ConsoleAction): boolean {
  return isStaffRole(role) && CONSOLE_PERMISSIONS[action].includes(role);
}
