/**
 * Just enough of ARM to test a template offline: its JSON shape, the few template functions the
 * app settings use (Azure Resource Manager template functions reference), and Event Grid's
 * filter semantics (event types, then every advanced filter; string operators compare
 * case-insensitively: Event Grid docs, "Understand event filtering").
 */
export interface ArmResource {
  type: string;
  name: string;
  apiVersion?: string;
  location?: string;
  kind?: string;
  sku?: unknown;
  identity?: unknown;
  scope?: string;
  condition?: string;
  resourceGroup?: string;
  subscriptionId?: string;
  properties?: unknown;
  dependsOn?: string[];
}

export interface ArmParameter {
  type: string;
  defaultValue?: unknown;
  allowedValues?: unknown[];
}

export interface ArmTemplate {
  $schema: string;
  parameters: Record<string, ArmParameter>;
  variables?: Record<string, unknown>;
  resources: ArmResource[];
  outputs?: Record<string, unknown>;
}

/** The Function App's app settings, name → value (an expression or a literal). */
export function appSettingsOf(template: ArmTemplate): Map<string, string> {
  const site = template.resources.find((r) => r.type === 'Microsoft.Web/sites');
  const settings = (site?.properties as { siteConfig?: { appSettings?: Array<{ name: string; value: string }> } } | undefined)?.siteConfig?.appSettings ?? [];
  return new Map(settings.map((s) => [s.name, s.value]));
}

// Deterministic stand-ins for what only a real deployment knows.
const SUBSCRIPTION_ID = '00000000-0000-4000-8000-000000000000';
const ENVIRONMENT = { resourceManager: 'https://management.azure.com/', suffixes: { storage: 'core.windows.net' } };

type Value = string | number | boolean | Record<string, unknown> | unknown[];

/** Evaluates one template expression of the small grammar the settings use; undefined for anything else. */
function evaluate(expression: string, template: ArmTemplate): Value | undefined {
  let at = 0;
  const fail = (): never => {
    throw new Error(`unsupported expression: ${expression}`);
  };
  const skip = (): void => {
    while (expression[at] === ' ') at++;
  };
  const term = (): Value => {
    skip();
    if (expression[at] === "'") {
      const end = expression.indexOf("'", at + 1);
      const text = expression.slice(at + 1, end);
      at = end + 1;
      return text;
    }
    const number = /^\d+/u.exec(expression.slice(at))?.[0];
    if (number !== undefined) {
      at += number.length;
      return Number(number);
    }
    const name = /^[A-Za-z]+/u.exec(expression.slice(at))?.[0] ?? fail();
    at += name.length;
    if (expression[at] !== '(') fail();
    at++;
    const args: Value[] = [];
    skip();
    while (expression[at] !== ')') {
      args.push(term());
      skip();
      if (expression[at] === ',') at++;
    }
    at++;
    let value = call(name, args, template);
    while (expression[at] === '.') {
      const property = /^\.([A-Za-z]+)/u.exec(expression.slice(at))?.[1] ?? fail();
      at += property.length + 1;
      value = (value as Record<string, Value>)[property] ?? fail();
    }
    return value;
  };
  try {
    const value = term();
    return at === expression.length ? value : undefined;
  } catch {
    return undefined;
  }
}

function call(name: string, args: Value[], template: ArmTemplate): Value {
  const text = (i: number): string => String(args[i]);
  switch (name) {
    case 'parameters': {
      const fallback = template.parameters[text(0)]?.defaultValue;
      if (typeof fallback === 'string' && fallback.startsWith('[')) return evaluateSetting(fallback, template) ?? '';
      return fallback as Value;
    }
    case 'string':
      return String(args[0]);
    case 'toLower':
      return text(0).toLowerCase();
    case 'format':
      return text(0).replace(/\{(\d+)\}/gu, (_, i: string) => text(Number(i) + 1));
    case 'take':
      return text(0).slice(0, Number(args[1]));
    case 'uniqueString':
      return '0000000000000';
    case 'environment':
      return ENVIRONMENT;
    case 'subscription':
      return { subscriptionId: SUBSCRIPTION_ID, id: `/subscriptions/${SUBSCRIPTION_ID}` };
    case 'resourceGroup':
      return { id: `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/rg`, name: 'rg', location: 'westeurope' };
    default:
      throw new Error(`unsupported function ${name}`);
  }
}

/** A setting's value with the parameters' defaults, or undefined when it depends on a deployment (reference()). */
export function evaluateSetting(value: string, template: ArmTemplate): string | undefined {
  if (!value.startsWith('[')) return value;
  const result = evaluate(value.slice(1, -1), template);
  return result === undefined ? undefined : String(result);
}

interface EventFilter {
  includedEventTypes?: string[];
  advancedFilters?: Array<{ operatorType: string; key: string; values?: string[] }>;
}

/** Whether Event Grid would deliver `event` through `filter` (the operators linkgate uses). */
export function filterPasses(filter: EventFilter, event: { eventType: string; data: Record<string, unknown> }): boolean {
  if (filter.includedEventTypes !== undefined && !filter.includedEventTypes.some((t) => t.toLowerCase() === event.eventType.toLowerCase())) return false;
  return (filter.advancedFilters ?? []).every((f) => {
    const path = f.key.split('.');
    let value: unknown = event;
    for (const segment of path) value = (value as Record<string, unknown> | undefined)?.[segment];
    if (typeof value !== 'string') return false;
    const text = value.toLowerCase();
    if (f.operatorType === 'StringEndsWith') return (f.values ?? []).some((v) => text.endsWith(v.toLowerCase()));
    throw new Error(`filterPasses does not know ${f.operatorType}`);
  });
}
