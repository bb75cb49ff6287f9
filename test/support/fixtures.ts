/** Typed access to the real payloads under test/fixtures/. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const FIXTURES_DIR = fileURLToPath(new URL('../fixtures/', import.meta.url));

export function readFixture<T = unknown>(relativePath: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/${relativePath}`, import.meta.url), 'utf8')) as T;
}

export function readFixtureText(relativePath: string): string {
  return readFileSync(new URL(`../fixtures/${relativePath}`, import.meta.url), 'utf8');
}

export const EVENT_FIXTURES = {
  pecProxyEventGrid: 'events/resource-write-success.pec-proxy.eventgrid.json',
  pecProxyCloudEvent: 'events/resource-write-success.pec-proxy.cloudevent.json',
  privateEndpointEventGrid: 'events/resource-write-success.private-endpoint.eventgrid.json',
  resourceNotificationPls: 'events/resource-notifications.created-or-updated.pls.cloudevent.json',
  subscriptionValidation: 'events/subscription-validation.eventgrid.json',
} as const;

/** An ARM example's request parameters and response bodies. */
export interface ArmExample {
  parameters: Record<string, unknown>;
  responses: Record<string, { body?: unknown }>;
}
