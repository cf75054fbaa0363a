import { describe, expect, it } from 'vitest';
import { CONSOLE_CATALOGS, CONSOLE_LOCALES, translate, translator } from '../../src/console/i18n/index.js';

const placeholders = (text: string): string[] =>
  [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1] as string).sort();

describe('console locales', () => {
  const reference = CONSOLE_CATALOGS.en;

  it.each(CONSOLE_LOCALES)('%s has every key, none empty, with the same placeholders as English', (locale) => {
    const catalog = CONSOLE_CATALOGS[locale];
    expect(Object.keys(catalog).sort()).toEqual(Object.keys(reference).sort());
    for (const [key, text] of Object.entries(catalog)) {
      expect(text.trim(), `${locale}.${key}`).not.toBe('');
      expect(placeholders(text), `${locale}.${key}`).toEqual(placeholders(reference[key as keyof typeof reference]));
    }
  });

  it('translates the verdicts, not just copies them', () => {
    expect(new Set(CONSOLE_LOCALES.map((locale) => CONSOLE_CATALOGS[locale].verdict_not_genuine)).size).toBe(3);
    expect(CONSOLE_CATALOGS['es-PE'].verdict_genuine).toBe('AUTÉNTICO');
  });

  it('formats dates in Lima time with the zone named, and amounts the Peruvian way', () => {
    const at = new Date('2026-12-02T19:05:00Z'); // 14:05 in Lima
    const es = translator('es-PE');
    expect(es.when(at)).toMatch(/14:05/);
    expect(es.when(at)).toContain('hora de Lima (UTC−5)');
    expect(translator('en').when(at)).toMatch(/2 Dec 2026.*14:05 Lima time \(UTC−5\)/);
    expect(translator('zh-CN').when(at)).toContain('利马时间');
    expect(es.money(123450, 'PEN')).toBe('S/ 1,234.50');
    expect(es.when(new Date(Number.NaN))).toBe('—');
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(translate('Code {cip} of {order}', { cip: '123' })).toBe('Code 123 of {order}');
  });
});
