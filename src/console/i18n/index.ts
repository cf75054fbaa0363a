import { formatMoney } from '../../money/index.js';
import type { Currency } from '../../money/index.js';
import { LIMA_TIME_ZONE } from '../../time/lima.js';
import { en } from './en.js';
import { esPE } from './es-PE.js';
import type { ConsoleLocale, ConsoleMessages, MessageKey } from './types.js';
import { zhCN } from './zh-CN.js';

export type { ConsoleLocale, ConsoleMessages, MessageKey } from './types.js';

/** Every locale's catalog. */
export const CONSOLE_CATALOGS: Readonly<Record<ConsoleLocale, ConsoleMessages>> = { 'es-PE': esPE, en, 'zh-CN': zhCN };

/** The locales in the order of the language switch; the first is the default. */
export const CONSOLE_LOCALES: readonly ConsoleLocale[] = ['es-PE', 'en', 'zh-CN'];

/** The name of each locale in its own language, for the switch. */
export const LOCALE_NAMES: Readonly<Record<ConsoleLocale, string>> = {
  'es-PE': 'Español',
  en: 'English',
  'zh-CN': '简体中文',
};

/** Whether `value` is a console locale. */
export function isConsoleLocale(value: unknown): value is ConsoleLocale {
  return typeof value === 'string' && (CONSOLE_LOCALES as readonly string[]).includes(value);
}

/** A translator bound to one locale: messages, Lima dates and Peruvian amounts. */
export interface Translator {
  locale: ConsoleLocale;
  /** The message `key` with `{name}` placeholders filled in. */
  t(key: MessageKey, values?: Record<string, string | number>): string;
  /** An instant in Lima time with the zone named: `2 dic. 2026, 14:05 hora de Lima (UTC−5)`. */
  when(date: Date): string;
  /** The same instant without the zone, for table cells whose column header names the zone. */
  whenShort(date: Date): string;
  /** A table's "when" column header with the zone named: `Cuándo (hora de Lima (UTC−5))`. */
  whenHeader(): string;
  /** Minor units as `S/ 1,234.50`. */
  money(minor: number, currency: Currency): string;
}

/** Fill `{name}` placeholders; unknown names stay visible rather than vanish. */
export function translate(template: string, values: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (match, name: string) =>
    Object.hasOwn(values, name) ? String(values[name]) : match,
  );
}

/** The translator of a locale. Dates use Intl (no date-fns), in America/Lima. */
export function translator(locale: ConsoleLocale): Translator {
  const messages = CONSOLE_CATALOGS[locale];
  const format = new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : locale, {
    timeZone: LIMA_TIME_ZONE,
    dateStyle: 'medium',
    timeStyle: 'short',
    hourCycle: 'h23',
  });
  return {
    locale,
    t: (key, values) => translate(messages[key], values),
    when: (date) => (Number.isNaN(date.getTime()) ? '—' : `${format.format(date)} ${messages.limaZone}`),
    whenShort: (date) => (Number.isNaN(date.getTime()) ? '—' : format.format(date)),
    whenHeader: () => `${messages.col_when} (${messages.limaZone})`,
    money: (minor, currency) => formatMoney(minor, currency),
  };
}
