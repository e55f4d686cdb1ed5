import { renderTemplate, TemplateError } from './render-template';

describe('prefetch template rendering', () => {
  const context = { userId: 'PractitionerRole/123', patientId: '1288992', encounterId: '89284', draftOrders: { resourceType: 'Bundle' } };

  it('fills {{context.*}} tokens from root-level primitive context fields', () => {
    expect(renderTemplate('Observation?patient={{context.patientId}}&code=4548-4&_count=1', context))
      .toBe('Observation?patient=1288992&code=4548-4&_count=1');
    expect(renderTemplate('Encounter/{{context.encounterId}}', context)).toBe('Encounter/89284');
  });

  it('renders {{context.userId}} as a read of the user resource (spec example)', () => {
    expect(renderTemplate('{{context.userId}}', context)).toBe('PractitionerRole/123');
  });

  it('derives the user tokens from context.userId', () => {
    expect(renderTemplate('PractitionerRole?_id={{userPractitionerRoleId}}&_include=PractitionerRole:practitioner', context))
      .toBe('PractitionerRole?_id=123&_include=PractitionerRole:practitioner');
    expect(renderTemplate('Patient/{{userPatientId}}', { ...context, userId: 'Patient/p1' })).toBe('Patient/p1');
    expect(renderTemplate('RelatedPerson/{{userRelatedPersonId}}', { ...context, userId: 'RelatedPerson/r1' })).toBe('RelatedPerson/r1');
  });

  it('refuses a user token that does not match the user type', () => {
    expect(() => renderTemplate('Practitioner/{{userPractitionerId}}', context)).toThrow(TemplateError);
  });

  it('refuses non-primitive, absent and FHIRPath tokens (the latter are 3.0-ballot only)', () => {
    expect(() => renderTemplate('X?{{context.draftOrders}}', context)).toThrow(TemplateError);
    expect(() => renderTemplate('X?{{context.missing}}', context)).toThrow(TemplateError);
    expect(() => renderTemplate('X?{{context.draftOrders.entry.resource.id}}', context)).toThrow(TemplateError);
    expect(() => renderTemplate('X?date=gt{{today() - 90 days}}', context)).toThrow(TemplateError);
  });

  it('URL-encodes token values so a context value cannot add query parameters or path segments', () => {
    expect(renderTemplate('Observation?patient={{context.patientId}}', { patientId: 'a&code=x' })).toBe('Observation?patient=a%26code%3Dx');
    expect(() => renderTemplate('Patient/{{context.patientId}}', { patientId: '../admin' })).toThrow(TemplateError);
  });
});
