/**
 * One password policy for the user pool (infra/constructs/auth.ts) and its local stand-in:
 * length over composition rules (NIST SP 800-63B, section 3.1.1.2), which is also why the local
 * admin's default password `local-admin-password` is acceptable.
 */
export const PASSWORD_POLICY = {
  minLength: 12,
  /** An invitation's temporary password must be used (and replaced) within this many days. */
  temporaryPasswordValidityDays: 7,
} as const;

/** Why a password is refused, or undefined when it is fine. */
export function passwordProblem(password: string): string | undefined {
  if (password.length < PASSWORD_POLICY.minLength) return `a password needs at least ${PASSWORD_POLICY.minLength} characters`;
  if (password.length > 256) return 'a password has at most 256 characters';
  return undefined;
}
