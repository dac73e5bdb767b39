import { IntlMessageFormat } from 'intl-messageformat';
import { describe, expect, it } from 'vitest';
import en from '@/server/i18n/messages/en.json';
import zh from '@/server/i18n/messages/zh-CN.json';
import { checkTemplate } from './check-template';
import { SYNTAX_DETAIL, syntaxReason } from './validate';

const validateTemplateText = (text: string) => checkTemplate(text, { upTo: 'structure' });

// The editor shows the parser's complaint in the user's language: each reason code the
// validator emits needs a message in both languages (validation.JSON_SYNTAX.reasons).
describe('JSON syntax reasons', () => {
  const reasons = [...Object.keys(SYNTAX_DETAIL).map((n) => syntaxReason(n as keyof typeof SYNTAX_DETAIL)), 'TrailingComma', 'TooDeep'];

  it('has a translation for every reason the validator can emit', () => {
    for (const messages of [en, zh]) {
      const known = Object.keys(messages.validation.JSON_SYNTAX.reasons);
      expect(reasons.filter((r) => !known.includes(r))).toEqual([]);
    }
  });

  it('gives each syntax issue a reason code, not only English text', () => {
    const missingComma = validateTemplateText('{\n  "builders": [\n    {}\n    {}\n  ]\n}').issues[0]!;
    expect(missingComma.params).toMatchObject({ reason: 'CommaExpected', line: 4, column: 5 });
    const trailing = validateTemplateText('{\n  "builders": [],\n}').issues[0]!;
    expect(trailing.params).toMatchObject({ reason: 'TrailingComma', char: '}' });
  });

  it('renders the brackets and the offending character, not ICU quoting artefacts', () => {
    // In ICU messages a quote before a brace starts a literal: "'{char}'" would print "{char}".
    for (const [locale, messages] of [['en', en], ['zh-CN', zh]] as const) {
      const reasons = messages.validation.JSON_SYNTAX.reasons;
      const format = (text: string) => String(new IntlMessageFormat(text, locale).format({ char: ']' }));
      expect(format(reasons.TrailingComma)).toMatch(/“\]”/);
      expect(format(reasons.CloseBraceExpected)).toMatch(/“\}”/);
      expect(format(reasons.CloseBracketExpected)).toMatch(/“\]”/);
      for (const text of Object.values(reasons)) expect(format(text)).not.toMatch(/\{\w+\}/);
    }
  });
});
