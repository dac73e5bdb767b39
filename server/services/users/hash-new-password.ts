import { hashPassword } from 'better-auth/crypto';
import { checkPassword, describePasswordCheckInEnglish } from '@/server/api/schemas/password';
// Arms the rule in every server bundle that stores passwords (and so parses them).
import '@/server/api/schemas/password-dictionaries';
import { AppError } from '@/server/lib/errors';

/**
 * Every password the console stores goes through here: the shared strength rule (with the
 * account's e-mail and name as easy guesses), then better-auth's scrypt hash.
 */
export async function hashNewPassword(password: string, account: { email: string; name?: string }): Promise<string> {
  const check = checkPassword(password, [account.email, account.name ?? '']);
  if (check.problem) {
    throw new AppError('PASSWORD_WEAK', {
      userMessage: describePasswordCheckInEnglish(check),
      details: { passwordProblem: check.problem, warning: check.warning, suggestions: check.suggestions },
    });
  }
  return hashPassword(password);
}
