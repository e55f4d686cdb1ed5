import { checkTemplate, renderTemplate } from './card-template';

describe('card templates', () => {
  it('render percentages with one decimal under 10 % and none above', () => {
    expect(renderTemplate('{{output|percent}} risk', { output: 0.2345 })).toBe('23% risk');
    expect(renderTemplate('{{output|percent}} risk', { output: 0.0456 })).toBe('4.6% risk');
    expect(renderTemplate('{{ output | percent1 }}', { output: 0.2345 })).toBe('23.4%');
    expect(renderTemplate('{{output|number}} ({{model.title}})', { output: 0.2346, 'model.title': 'KFRE' })).toBe('0.235 (KFRE)');
  });

  it('render a value absent at run time as a dash', () => {
    expect(renderTemplate('{{outputs.risk_2y|percent}}', {})).toBe('–');
  });

  it('report unknown placeholders, unknown filters and malformed braces', () => {
    expect(checkTemplate('{{output|percent}} {{model.title}}', ['output', 'model.title'])).toEqual([]);
    expect(checkTemplate('{{outptu}}', ['output'])).toEqual(["unknown placeholder 'outptu' (allowed: output)"]);
    expect(checkTemplate('{{output|pct}}', ['output'])).toEqual(["unknown filter 'pct' (allowed: percent, percent1, number)"]);
    expect(checkTemplate('{{output', ['output'])).toEqual(['unbalanced or malformed {{ }} placeholder']);
  });
});
