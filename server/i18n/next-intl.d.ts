import type en from './messages/en.json';

// Typed keys: a t('…') call with a key missing from en.json fails typecheck.
declare module 'next-intl' {
  interface AppConfig {
    Locale: 'en' | 'zh-CN';
    Messages: typeof en;
  }
}
