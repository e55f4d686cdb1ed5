/**
 * Prefetch template rendering (CDS Hooks 2.0 §Prefetch tokens): `{{context.<field>}}` for root-level
 * primitive context fields, and the user tokens derived from context.userId. FHIRPath tokens are a
 * 3.0-ballot feature and are not rendered (the key is then unobtainable by query).
 */

export class TemplateError extends Error {
  constructor(message: string) { super(message); this.name = 'TemplateError'; }
}

const USER_TOKENS: Record<string, string> = {
  userPractitionerId: 'Practitioner',
  userPractitionerRoleId: 'PractitionerRole',
  userPatientId: 'Patient',
  userRelatedPersonId: 'RelatedPerson',
};

/** Encodes a token value for a URL, keeping `/` between segments (for `{{context.userId}}` reads). */
function encodeValue(value: string): string {
  const segments = value.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) throw new TemplateError('token value is not a safe path');
  return segments.map(encodeURIComponent).join('/');
}

/** The value of one token, or a TemplateError when the context cannot supply it. */
export function resolveToken(token: string, context: Record<string, unknown>): string {
  const name = token.trim();
  const userType = USER_TOKENS[name];
  if (userType) {
    const userId = context.userId;
    if (typeof userId !== 'string') throw new TemplateError(`${name} needs context.userId`);
    const [type, id] = userId.split('/');
    if (type !== userType || !id) throw new TemplateError(`${name} does not apply to a ${type} user`);
    return encodeValue(id);
  }
  const m = /^context\.([A-Za-z][A-Za-z0-9_]*)$/.exec(name);
  if (!m) throw new TemplateError(`unsupported prefetch token {{${name}}}`);
  const value = context[m[1]];
  if (typeof value === 'string' && value.length > 0) return encodeValue(value);
  if (typeof value === 'number' || typeof value === 'boolean') return encodeURIComponent(String(value));
  throw new TemplateError(`context.${m[1]} is absent or not a primitive`);
}

/** Renders a template into a relative FHIR URL; throws TemplateError when a token has no value. */
export function renderTemplate(template: string, context: Record<string, unknown>): string {
  return template.replace(/\{\{([^{}]*)\}\}/g, (_all, token: string) => resolveToken(token, context));
}
