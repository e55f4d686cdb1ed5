import { randomUUID } from 'node:crypto';
import type { CardDraft } from '@prognos/contracts';
import { cardSchema, ENCOUNTER_REFERENCE, PATIENT_REFERENCE, USER_REFERENCE } from '@prognos/contracts';
import { cardsDropped } from '../metrics';
import { finalizeCards } from './finalize-cards';
import type { BindingContext } from './bind-references';

const draftOrder = {
  resourceType: 'MedicationRequest', id: 'draft-rx-1', status: 'draft', intent: 'order',
  medicationCodeableConcept: { text: 'Metformin 1000 mg' }, subject: { reference: 'Patient/1288992' },
};
const ctx: BindingContext = { patientId: '1288992', encounterId: '89284', userId: 'Practitioner/example', draftOrders: [draftOrder] };

function card(extra: Partial<CardDraft> = {}): CardDraft {
  return { uuid: randomUUID(), kind: 'test.kind', summary: 'A summary', indicator: 'warning', source: { label: 'Test source' }, ...extra };
}

async function dropped(reason: string): Promise<number> {
  return (await cardsDropped.get()).values.find((v) => v.labels.reason === reason && v.labels.service === 'svc')?.value ?? 0;
}

describe('finalizing cards before they leave', () => {
  it('appends the configured SMART app link under the same URL policy as every other link', async () => {
    const smart = { label: 'Open in Prognos', url: 'https://app.example/launch', type: 'smart' as const };
    const own = { label: 'KFRE calculator', url: 'https://kidneyfailurerisk.com/', type: 'absolute' as const };
    const { cards } = finalizeCards('svc', [card({ links: [own] })], undefined, ctx, { smartLink: smart });
    expect(cards[0]!.card.links).toEqual([own, smart]);
    // An http SMART URL outside development is removed (and counted) like any unsafe link.
    const before = await dropped('unsafe_url');
    const plain = finalizeCards('svc', [card()], undefined, ctx, { smartLink: { ...smart, url: 'http://app.example/launch' } });
    expect(plain.cards[0]!.card.links).toBeUndefined();
    expect(await dropped('unsafe_url')).toBe(before + 1);
    expect(finalizeCards('svc', [card()], undefined, ctx, { smartLink: { ...smart, url: 'http://app.example/launch' }, allowHttpUrls: true }).cards[0]!.card.links).toHaveLength(1);
  });

  it('binds patient, encounter and user placeholders in suggested resources', () => {
    const { cards } = finalizeCards('svc', [card({
      selectionBehavior: 'at-most-one',
      suggestions: [{ label: 'Refer', uuid: randomUUID(), actions: [{ type: 'create', description: 'Create a referral', resource: {
        resourceType: 'ServiceRequest', status: 'draft', intent: 'proposal',
        subject: { reference: PATIENT_REFERENCE }, encounter: { reference: ENCOUNTER_REFERENCE }, requester: { reference: USER_REFERENCE },
      } }] }],
    })], undefined, ctx);
    expect(cards).toHaveLength(1);
    const resource = cards[0].card.suggestions![0].actions![0].resource!;
    expect(resource.subject).toEqual({ reference: 'Patient/1288992' });
    expect(resource.encounter).toEqual({ reference: 'Encounter/89284' });
    expect(resource.requester).toEqual({ reference: 'Practitioner/example' });
    expect(cards[0].kind).toBe('test.kind');
    expect(cardSchema.safeParse(cards[0].card).success).toBe(true);
    expect('kind' in cards[0].card).toBe(false);
  });

  it('turns draft-order actions into a full update (draft merged with patch) and a delete by resourceId', () => {
    const { cards } = finalizeCards('svc', [card({
      selectionBehavior: 'at-most-one',
      suggestions: [
        { label: 'Reduce dose', uuid: randomUUID(), actions: [{ type: 'update', description: 'Reduce the dose', draftOrderIndex: 0, patch: { dosageInstruction: [{ text: '500 mg twice daily' }] } }] },
        { label: 'Cancel', uuid: randomUUID(), actions: [{ type: 'delete', description: 'Remove the order', draftOrderIndex: 0 }] },
      ],
    })], undefined, ctx);
    const [update, del] = cards[0].card.suggestions!.map((s) => s.actions![0]);
    expect(update.resource).toEqual({ ...draftOrder, dosageInstruction: [{ text: '500 mg twice daily' }] });
    expect(del).toEqual({ type: 'delete', description: 'Remove the order', resourceId: 'MedicationRequest/draft-rx-1' });
    expect('draftOrderIndex' in update).toBe(false);
  });

  it('drops a suggestion whose draft order does not exist, and the selectionBehavior with the last suggestion', async () => {
    const before = await dropped('suggestion_incomplete');
    const { cards } = finalizeCards('svc', [card({
      selectionBehavior: 'any',
      suggestions: [{ label: 'x', uuid: randomUUID(), actions: [{ type: 'delete', description: 'd', draftOrderIndex: 5 }] }],
    })], undefined, ctx);
    expect(cards[0].card.suggestions).toBeUndefined();
    expect(cards[0].card.selectionBehavior).toBeUndefined();
    expect(await dropped('suggestion_incomplete')).toBe(before + 1);
  });

  it('drops a card whose encounter placeholder cannot be bound outside an encounter', async () => {
    const before = await dropped('unbound_reference');
    const { cards } = finalizeCards('svc', [card({ detail: ENCOUNTER_REFERENCE })], undefined, { ...ctx, encounterId: undefined });
    expect(cards).toHaveLength(0);
    expect(await dropped('unbound_reference')).toBe(before + 1);
  });

  it('never sends a card with a summary of 140 characters, a bad indicator or no uuid', async () => {
    const before = (await dropped('invalid_card')) + (await dropped('missing_uuid'));
    const { cards } = finalizeCards('svc', [
      card({ summary: 'x'.repeat(140) }),
      card({ indicator: 'hard-stop' as never }),
      card({ uuid: 'not-a-uuid' }),
      card({ suggestions: [{ label: 'no uuid' } as never], selectionBehavior: 'any' }),
      card({ suggestions: [{ label: 'no behaviour', uuid: randomUUID() }] }),
      card(),
    ], undefined, ctx);
    expect(cards).toHaveLength(1);
    expect((await dropped('invalid_card')) + (await dropped('missing_uuid'))).toBe(before + 5);
  });

  it('strips null and empty fields instead of sending them', () => {
    const { cards } = finalizeCards('svc', [card({ detail: '', links: [], source: { label: 'S', url: null as never } })], undefined, ctx);
    expect(cards[0].card).toEqual({ uuid: cards[0].card.uuid, summary: 'A summary', indicator: 'warning', source: { label: 'S' } });
  });

  it('passes systemActions through binding, allowing a missing description', () => {
    const { systemActions } = finalizeCards('svc', [], [
      { type: 'create', resource: { resourceType: 'RiskAssessment', status: 'final', subject: { reference: PATIENT_REFERENCE } } } as never,
      { type: 'update', description: 'no resource' },
    ], ctx);
    expect(systemActions).toEqual([{ type: 'create', resource: { resourceType: 'RiskAssessment', status: 'final', subject: { reference: 'Patient/1288992' } } }]);
  });
});
