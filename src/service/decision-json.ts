/**
 * Decisions rendered as JSON by a serializer compiled from the Decision schema
 * (fast-json-stringify, the one fastify uses for responses): the batch path writes hundreds of
 * thousands of them, and a fixed-shape serializer beats JSON.stringify on that.
 */
import fastJson from 'fast-json-stringify';
import { decisionSchema } from '../routing/decision-schema';
import type { Decision } from '../routing/types';

export const stringifyDecision: (d: Decision) => string = fastJson(decisionSchema as never);
