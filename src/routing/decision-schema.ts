/** The Decision contract (routing/types.ts) as JSON Schema: the HTTP response schema and the batch serializer. */
const str = { type: 'string' } as const;
const strOrNull = { type: ['string', 'null'] } as const;
export const decisionSchema = {
  type: 'object',
  // Every field of Decision is always present (null where it does not apply).
  required: [
    'outcome', 'tenant', 'kind', 'from', 'to', 'operator', 'gateway', 'callerId', 'usage', 'route', 'pattern',
    'policy', 'target', 'ring', 'slots', 'reason', 'rule', 'dialed', 'dialPlan', 'normalizationRule',
    'assertedIdentity', 'callingLineIdentity', 'emergency', 'gateways', 'trace',
  ],
  properties: {
    outcome: str,
    tenant: strOrNull,
    kind: str,
    from: strOrNull,
    to: str,
    operator: strOrNull,
    gateway: strOrNull,
    callerId: strOrNull,
    usage: strOrNull,
    route: strOrNull,
    pattern: strOrNull,
    policy: strOrNull,
    target: { type: ['object', 'null'], required: ['type', 'id'], properties: { type: str, id: str } },
    ring: { type: ['array', 'null'], items: str },
    slots: {
      type: 'array',
      items: { type: 'object', properties: { number: str, capability: str, limit: { type: 'integer' } } },
    },
    reason: str,
    rule: str,
    dialed: strOrNull,
    dialPlan: strOrNull,
    normalizationRule: strOrNull,
    assertedIdentity: strOrNull,
    callingLineIdentity: strOrNull,
    emergency: strOrNull,
    gateways: {
      type: ['array', 'null'],
      items: {
        type: 'object',
        properties: {
          fqdn: str, failoverTimeSeconds: { type: 'integer' },
          failoverResponseCodes: { type: 'array', items: { type: 'integer' } }, forwardPai: { type: 'boolean' },
          to: str, from: str,
        },
      },
    },
    trace: {
      type: ['array', 'null'],
      items: { type: 'object', properties: { result: str, usage: str, route: str, pattern: str, why: str } },
    },
  },
} as const;

