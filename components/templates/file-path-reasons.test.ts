import { describe, expect, it } from 'vitest';
import { IntlMessageFormat } from 'intl-messageformat';
import en from '@/server/i18n/messages/en.json';
import zh from '@/server/i18n/messages/zh-CN.json';
import { filePathProblem, filePathReason, type FilePathReason } from '@/server/api/schemas/template-files';

// One path of each kind the rules refuse, and what the editor must be able to say about it.
const REFUSED: [string, boolean, FilePathReason['reason']][] = [
  ['', false, 'empty'],
  ['a/'.repeat(120) + 'b', false, 'tooLong'],
  ['/etc/passwd', false, 'absolute'],
  ['C:/x', false, 'absolute'],
  ['config\\app.toml', false, 'backslash'],
  ['../secrets', false, 'climbs'],
  ['config//app.toml', false, 'emptyFolder'],
  ['a/b/c/d/e/f/g/h/i/j/k', false, 'tooDeep'],
  ['config/app$.toml', false, 'characters'],
  ['release/*.tar.gz', false, 'characters'],
  ['release/a**b', true, 'doubleStar'],
];

describe('file path reasons', () => {
  it.each(REFUSED)('refuses %j (glob %s) as %s, in English and in both catalogues', (path, glob, reason) => {
    const r = filePathReason(path, glob);
    expect(r?.reason).toBe(reason);
    expect(filePathProblem(path, glob)).toMatch(/\w/);
    const key = r!.reason === 'characters' && r!.glob ? 'charactersGlob' : r!.reason;
    const params = { max: 'max' in r! ? r!.max : 0, segment: 'segment' in r! ? r!.segment : '' };
    for (const messages of [en, zh]) {
      const text = (messages.templateFiles.pathReasons as Record<string, string>)[key];
      expect(text, `${key} in ${messages === en ? 'en' : 'zh-CN'}`).toBeTruthy();
      expect(new IntlMessageFormat(text!, 'en').format(params)).not.toMatch(/[{}]/);
    }
  });

  it('accepts relative paths and, as patterns, * ? and whole ** levels', () => {
    expect(filePathReason('config/app.toml')).toBeUndefined();
    expect(filePathReason('release/rome-access-*-linux-amd64.tar.gz', true)).toBeUndefined();
    expect(filePathReason('release/**/v?.tar.gz', true)).toBeUndefined();
  });
});
