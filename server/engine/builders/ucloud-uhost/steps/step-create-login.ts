import { randomInt } from 'node:crypto';
import type { Step } from '../../../runner/step';
import type { UcloudUhostState } from '../state';

/** Packer's shape: 5 lower-case letters, '-' or '_', 5 digits — meets UCloud's two-class rule. */
export function generateUcloudPassword(): string {
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const digits = '012346789';
  let p = '';
  for (let i = 0; i < 5; i++) p += letters[randomInt(letters.length)];
  p += randomInt(2) === 0 ? '-' : '_';
  for (let i = 0; i < 5; i++) p += digits[randomInt(digits.length)];
  return p;
}

/** UCloud logs in with a password: the template's `ssh_password`, else a generated one. */
export function stepCreateLogin(password: string, fromTemplate: boolean): Step<UcloudUhostState> {
  return {
    name: 'create-login',
    async run(state, { log }) {
      state.login.password = password;
      log(fromTemplate ? 'using the ssh_password of the template' : 'generated a temporary root password');
    },
  };
}
