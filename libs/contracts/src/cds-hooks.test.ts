import { cardSchema, feedbackItemSchema } from './cds-hooks';

describe('CDS Hooks card schema', () => {
  it('rejects suggestions without selectionBehavior', () => {
    const card = { summary: 's', indicator: 'info', source: { label: 'x' }, suggestions: [{ label: 'a' }] };
    expect(cardSchema.safeParse(card).success).toBe(false);
    expect(cardSchema.safeParse({ ...card, selectionBehavior: 'any' }).success).toBe(true);
  });
  it('rejects a summary of 140 characters or more', () => {
    const card = { summary: 'x'.repeat(140), indicator: 'info', source: { label: 'x' } };
    expect(cardSchema.safeParse(card).success).toBe(false);
  });
  it('requires acceptedSuggestions for accepted feedback', () => {
    const fb = { card: '9368d37b-283f-44a0-93ea-547cebab93ed', outcome: 'accepted', outcomeTimestamp: '2020-01-01T00:00:00Z' };
    expect(feedbackItemSchema.safeParse(fb).success).toBe(false);
    expect(feedbackItemSchema.safeParse({ ...fb, acceptedSuggestions: [{ id: 'a' }] }).success).toBe(true);
  });
});
