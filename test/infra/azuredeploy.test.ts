/**
 * The deployment template is the tested source (the Bicep CLI cannot be installed offline): it is
 * loaded as ARM would load it and each resource issue 15 asks for is checked, with the role's
 * actions compared to what the resource-type registry derives.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { RESOURCE_TYPE_LIST } from '../../src/arm/resource-types.js';
import { readConfig } from '../../src/config/read-config.js';
import { roleActionsFor } from '../../src/deploy/role-actions.js';
import { withRoleActions } from '../../src/deploy/update-role-template.js';
import { EVENT_FIXTURES, readFixture } from '../support/fixtures.js';
import { appSettingsOf, evaluateSetting, filterPasses, type ArmResource, type ArmTemplate } from './template-support.js';

const TEMPLATE_PATH = 'infra/azuredeploy.json';
const templateText = await readFile(TEMPLATE_PATH, 'utf8');
const template = JSON.parse(templateText) as ArmTemplate;
const furtherText = await readFile('infra/subscription-events.json', 'utf8');
const further = JSON.parse(furtherText) as ArmTemplate;
const parametersFile = JSON.parse(await readFile('infra/azuredeploy.parameters.json', 'utf8')) as { parameters: Record<string, { value: unknown }> };

const ROLE = {
  blobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
  blobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
  tableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3',
  queueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
};
const APP_PRINCIPAL = "[reference(resourceId('Microsoft.Web/sites', parameters('appName')), '2024-04-01', 'Full').identity.principalId]";

function only(type: string, from: readonly ArmResource[] = template.resources): ArmResource {
  const found = from.filter((r) => r.type.toLowerCase() === type.toLowerCase());
  expect(found.map((r) => r.type)).toEqual([type]);
  return found[0]!;
}

function nestedTemplate(name: string, from: ArmTemplate = template): ArmTemplate {
  const deployment = from.resources.find((r) => r.type === 'Microsoft.Resources/deployments' && r.name === name);
  expect(deployment, `nested deployment ${name}`).toBeDefined();
  return (deployment!.properties as { template: ArmTemplate }).template;
}

/** Role assignments in the template, with the built-in role GUID they assign. */
function roleAssignments(from: readonly ArmResource[] = template.resources): Array<{ role: string; scope: string | undefined; principal: string }> {
  return from
    .filter((r) => r.type === 'Microsoft.Authorization/roleAssignments')
    .map((r) => {
      const properties = r.properties as { roleDefinitionId: string; principalId: string };
      const variable = /variables\('([A-Za-z]+)'\)\)\]$/u.exec(properties.roleDefinitionId)?.[1];
      const role = variable === undefined ? /'([0-9a-f-]{36})'\)\]$/u.exec(properties.roleDefinitionId)?.[1] : String(template.variables?.[variable]);
      return { role: role ?? properties.roleDefinitionId, scope: r.scope, principal: properties.principalId };
    });
}

describe('infra/azuredeploy.json: the Function App', () => {
  it('runs on Flex Consumption with Node.js 22 and a system-assigned identity', () => {
    expect(template.$schema).toContain('deploymentTemplate.json');
    const plan = only('Microsoft.Web/serverfarms');
    expect(plan.sku).toEqual({ tier: 'FlexConsumption', name: 'FC1' });
    const site = only('Microsoft.Web/sites');
    expect(site.kind).toBe('functionapp,linux');
    expect(site.identity).toEqual({ type: 'SystemAssigned' });
    const config = (site.properties as { functionAppConfig: { runtime: unknown; deployment: { storage: { authentication: unknown } } } }).functionAppConfig;
    expect(config.runtime).toEqual({ name: 'node', version: '22' });
    // The deployment package is read with the identity too, not a connection string.
    expect(config.deployment.storage.authentication).toEqual({ type: 'SystemAssignedIdentity' });
  });

  it('reaches its storage through identity-based connections, and no key is ever listed into a setting', () => {
    const settings = appSettingsOf(template);
    expect(settings.get('AzureWebJobsStorage__accountName')).toBe("[parameters('storageAccountName')]");
    expect(settings.has('AzureWebJobsStorage')).toBe(false);
    expect(settings.has('WEBSITE_CONTENTAZUREFILECONNECTIONSTRING')).toBe(false);
    expect(settings.get('LINKGATE_AUDIT_TABLE_CONNECTION')).toBe("[format('https://{0}.table.{1}', parameters('storageAccountName'), environment().suffixes.storage)]");
    for (const text of [templateText, furtherText]) {
      expect(text).not.toMatch(/listKeys|listAccountSas|listServiceSas|AccountKey=|SharedAccessSignature/iu);
    }
    const storage = only('Microsoft.Storage/storageAccounts');
    expect(storage.properties).toMatchObject({ allowSharedKeyAccess: false, allowBlobPublicAccess: false, minimumTlsVersion: 'TLS1_2' });
  });

  it('grants the app Storage Blob Data Owner (host) and Storage Table Data Contributor (audit table) on its account, and no queue role it does not use', () => {
    const onStorage = roleAssignments().filter((a) => a.principal === APP_PRINCIPAL && a.scope === "[format('Microsoft.Storage/storageAccounts/{0}', parameters('storageAccountName'))]");
    expect(onStorage.map((a) => a.role).sort()).toEqual([ROLE.tableDataContributor, ROLE.blobDataOwner].sort());
    expect(roleAssignments().some((a) => a.role === ROLE.queueDataContributor)).toBe(false);
    const table = only('Microsoft.Storage/storageAccounts/tableServices/tables');
    expect(table.name).toBe("[format('{0}/default/{1}', parameters('storageAccountName'), parameters('auditTable'))]");
  });

  it('sends telemetry to a workspace-based Application Insights', () => {
    const workspace = only('Microsoft.OperationalInsights/workspaces');
    const insights = only('Microsoft.Insights/components');
    expect(workspace.name).toBe("[variables('logAnalyticsName')]");
    expect((insights.properties as { WorkspaceResourceId: string }).WorkspaceResourceId).toBe("[resourceId('Microsoft.OperationalInsights/workspaces', variables('logAnalyticsName'))]");
    const settings = appSettingsOf(template);
    expect(settings.get('APPLICATIONINSIGHTS_CONNECTION_STRING')).toContain("resourceId('Microsoft.Insights/components', variables('appInsightsName'))");
    expect(settings.get('APPLICATIONINSIGHTS_AUTHENTICATION_STRING')).toBe('Authorization=AAD');
  });
});

describe('infra/azuredeploy.json: app settings', () => {
  /** Every variable the README documents and every one readConfig (or a reader it calls) reads. */
  async function configurationVariables(): Promise<string[]> {
    const readme = await readFile('README.md', 'utf8');
    const section = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('\n## ', readme.indexOf('## Configuration') + 1));
    const documented = [...section.matchAll(/^\| `(LINKGATE_[A-Z0-9_]+)` \|/gmu)].map((m) => m[1]!);
    const sources = await Promise.all(['src/config/read-config.ts', 'src/notify/notify-settings.ts'].map((p) => readFile(p, 'utf8').catch(() => '')));
    const read = sources.flatMap((source) => [...source.matchAll(/\b(?:get|int|bool)\('(LINKGATE_[A-Z0-9_]+)'/gu)].map((m) => m[1]!));
    expect(documented.length).toBeGreaterThan(10);
    return [...new Set([...documented, ...read])].sort();
  }

  it('has an app setting for every configuration variable in README and in readConfig', async () => {
    const settings = appSettingsOf(template);
    const missing = (await configurationVariables()).filter((name) => !settings.has(name));
    expect(missing, `add these to the Function App's appSettings in ${TEMPLATE_PATH}`).toEqual([]);
  });

  it('holds settings readConfig accepts with the parameter defaults, starting in dry run with the Table store', () => {
    const env: Record<string, string> = { WEBSITE_INSTANCE_ID: 'azure' };
    for (const [name, value] of appSettingsOf(template)) {
      const evaluated = evaluateSetting(value, template);
      if (evaluated !== undefined) env[name] = evaluated;
    }
    const config = readConfig(env);
    expect(config.dryRun).toBe(true);
    expect(config.audit).toMatchObject({ kind: 'table', table: 'linkgateaudit', connection: 'https://stlinkgate000000000000.table.core.windows.net' });
    expect(config.armToken).toBeUndefined();
    expect(config.armEndpoint).toBe('https://management.azure.com');
    expect(config.sweep.scopes).toEqual([{ kind: 'subscription', id: '00000000-0000-4000-8000-000000000000' }]);
    expect(config.sweep.schedule).toBe('0 */15 * * * *');
    expect(config.sweep.revoke).toBe(false);
  });

  it('never sets what Flex Consumption refuses or sets itself', () => {
    const settings = appSettingsOf(template);
    expect(settings.has('FUNCTIONS_WORKER_RUNTIME')).toBe(false);
    expect(settings.has('FUNCTIONS_EXTENSION_VERSION')).toBe(false);
  });
});

describe('infra/azuredeploy.json: Event Grid', () => {
  const topic = only('Microsoft.EventGrid/systemTopics');
  const subscription = only('Microsoft.EventGrid/systemTopics/eventSubscriptions');
  const properties = subscription.properties as {
    destination: { endpointType: string; properties: { resourceId: string; maxEventsPerBatch: number } };
    filter: { includedEventTypes: string[]; advancedFilters: Array<{ operatorType: string; key: string; values: string[] }> };
    retryPolicy: { maxDeliveryAttempts: number; eventTimeToLiveInMinutes: number };
    deadLetterWithResourceIdentity: { identity: unknown; deadLetterDestination: { endpointType: string; properties: { resourceId: string; blobContainerName: string } } };
  };

  it('puts a system topic on the subscription, delivering to the connection-events function', () => {
    expect(topic.properties).toEqual({ source: '[subscription().id]', topicType: 'Microsoft.Resources.Subscriptions' });
    expect(topic.location).toBe('global');
    expect(subscription.name).toBe("[format('{0}/{1}', parameters('systemTopicName'), 'linkgate-connection-events')]");
    expect(properties.destination.endpointType).toBe('AzureFunction');
    expect(properties.destination.properties.resourceId).toBe("[format('{0}/functions/{1}', resourceId('Microsoft.Web/sites', parameters('appName')), 'connection-events')]");
    // functions/connection-events.ts takes one event per invocation.
    expect(properties.destination.properties.maxEventsPerBatch).toBe(1);
  });

  it('passes exactly the connection, connection-proxy and private endpoint writes (checked on the recorded events)', async () => {
    expect(properties.filter.includedEventTypes).toEqual(['Microsoft.Resources.ResourceWriteSuccess']);
    expect(properties.filter.advancedFilters.map((f) => [f.operatorType, f.key])).toEqual([['StringEndsWith', 'data.operationName']]);
    const passes = (operationName: string): boolean => filterPasses(properties.filter, { eventType: 'Microsoft.Resources.ResourceWriteSuccess', data: { operationName } });
    for (const name of [EVENT_FIXTURES.pecProxyEventGrid, EVENT_FIXTURES.privateEndpointEventGrid]) {
      const [event] = (await readFixture(name)) as Array<{ eventType: string; data: { operationName: string } }>;
      expect(filterPasses(properties.filter, event!), name).toBe(true);
    }
    expect(passes('Microsoft.Network/privateLinkServices/privateEndpointConnections/write')).toBe(true);
    expect(passes('microsoft.keyvault/vaults/privateendpointconnectionproxies/write')).toBe(true);
    expect(passes('Microsoft.Storage/storageAccounts/write')).toBe(false);
    expect(passes('Microsoft.Network/privateEndpoints/privateDnsZoneGroups/write')).toBe(false);
    expect(passes('Microsoft.Network/privateLinkServices/privateEndpointConnections/delete')).toBe(false);
    expect(filterPasses(properties.filter, { eventType: 'Microsoft.Resources.ResourceDeleteSuccess', data: { operationName: 'Microsoft.Network/privateEndpoints/delete' } })).toBe(false);
  });

  it('retries, then dead-letters into a container of the app storage account, with the topic identity', () => {
    expect(properties.retryPolicy).toEqual({ maxDeliveryAttempts: 30, eventTimeToLiveInMinutes: 1440 });
    expect(properties.deadLetterWithResourceIdentity.identity).toEqual({ type: 'SystemAssigned' });
    expect(properties.deadLetterWithResourceIdentity.deadLetterDestination).toEqual({
      endpointType: 'StorageBlob',
      properties: { resourceId: "[resourceId('Microsoft.Storage/storageAccounts', parameters('storageAccountName'))]", blobContainerName: "[parameters('deadLetterContainerName')]" },
    });
    const containers = template.resources.filter((r) => r.type === 'Microsoft.Storage/storageAccounts/blobServices/containers').map((r) => r.name);
    expect(containers).toContain("[format('{0}/default/{1}', parameters('storageAccountName'), parameters('deadLetterContainerName'))]");
    expect(topic.identity).toEqual({ type: 'SystemAssigned' });
    const topicWrites = roleAssignments().filter((a) => a.principal.includes("Microsoft.EventGrid/systemTopics"));
    expect(topicWrites).toEqual([
      { role: ROLE.blobDataContributor, scope: "[format('Microsoft.Storage/storageAccounts/{0}/blobServices/default/containers/{1}', parameters('storageAccountName'), parameters('deadLetterContainerName'))]", principal: expect.any(String) as string },
    ]);
  });

  it('is the same event subscription infra/subscription-events.json adds to further subscriptions', () => {
    const inner = nestedTemplate('linkgate-events', further);
    const added = only('Microsoft.EventGrid/systemTopics/eventSubscriptions', inner.resources).properties as typeof properties;
    expect(added.filter).toEqual(properties.filter);
    expect(added.retryPolicy).toEqual(properties.retryPolicy);
    expect(added.destination.endpointType).toBe('AzureFunction');
    expect(added.destination.properties.maxEventsPerBatch).toBe(properties.destination.properties.maxEventsPerBatch);
    expect(added.deadLetterWithResourceIdentity.deadLetterDestination.endpointType).toBe('StorageBlob');
    const topicInner = nestedTemplate('linkgate-topic', further);
    expect(only('Microsoft.EventGrid/systemTopics', topicInner.resources).properties).toEqual({ source: "[format('/subscriptions/{0}', parameters('subscriptionId'))]", topicType: 'Microsoft.Resources.Subscriptions' });
    expect(further.$schema).toContain('subscriptionDeploymentTemplate.json');
    expect(roleAssignments(further.resources)).toEqual([{ role: "[parameters('roleDefinitionId')]", scope: undefined, principal: "[parameters('principalId')]" }]);
  });
});

describe('infra/azuredeploy.json: the linkgate role', () => {
  const roleTemplate = nestedTemplate('linkgate-role');
  const definition = only('Microsoft.Authorization/roleDefinitions', roleTemplate.resources);
  const actions = (template.variables as { linkgateRoleActions: string[] }).linkgateRoleActions;

  it('has exactly the actions the resource-type registry derives (npm run infra:role)', () => {
    expect(actions).toEqual(roleActionsFor(RESOURCE_TYPE_LIST));
    expect(withRoleActions(templateText, roleActionsFor(RESOURCE_TYPE_LIST)), 'run npm run infra:role').toBe(templateText);
    const deployment = template.resources.find((r) => r.name === 'linkgate-role')!;
    expect((deployment.properties as { parameters: { actions: { value: string } } }).parameters.actions.value).toBe("[variables('linkgateRoleActions')]");
    const permissions = (definition.properties as { permissions: Array<Record<string, unknown>> }).permissions;
    expect(permissions).toEqual([{ actions: "[parameters('actions')]", notActions: [], dataActions: [], notDataActions: [] }]);
  });

  it('covers every governed type and the reads every installation needs, with no wildcard and nothing under Microsoft.Authorization', () => {
    for (const entry of RESOURCE_TYPE_LIST) expect(actions).toContain(`${entry.type}/read`);
    for (const common of ['Microsoft.ResourceGraph/resources/read', 'Microsoft.Network/privateEndpoints/read', 'Microsoft.Network/networkInterfaces/read']) expect(actions).toContain(common);
    expect(actions).toContain('Microsoft.Network/privateLinkServices/privateEndpointConnections/write');
    expect(actions.filter((a) => a.includes('*'))).toEqual([]);
    expect(actions.filter((a) => /^microsoft\.authorization\//iu.test(a))).toEqual([]);
    expect(actions.filter((a) => /\/(delete)$/iu.test(a))).toEqual([]);
  });

  it('is assigned to the app identity at the chosen scope', () => {
    const assignment = only('Microsoft.Authorization/roleAssignments', roleTemplate.resources);
    expect(assignment.condition).toBe("[parameters('assign')]");
    const outer = template.resources.find((r) => r.name === 'linkgate-role')!;
    const parameters = (outer.properties as { parameters: Record<string, { value: unknown }> }).parameters;
    expect(parameters['principalId']?.value).toBe(APP_PRINCIPAL);
    expect(parameters['assign']?.value).toBe("[equals(parameters('roleAssignmentScope'), 'subscription')]");
    const byGroup = template.resources.find((r) => r.name === 'linkgate-role-resource-group')!;
    expect(byGroup.condition).toBe("[equals(parameters('roleAssignmentScope'), 'resourceGroup')]");
    expect(byGroup.resourceGroup).toContain("parameters('governedResourceGroup')");
    expect(template.parameters['roleAssignmentScope']?.allowedValues).toEqual(['subscription', 'resourceGroup']);
  });
});

describe('infra/azuredeploy.parameters.json', () => {
  it('sets the role scope, the policy folder and the sweep scopes, all parameters the template has', () => {
    for (const name of ['roleAssignmentScope', 'policyDir', 'sweepScopes']) expect(parametersFile.parameters[name]).toBeDefined();
    for (const name of Object.keys(parametersFile.parameters)) expect(template.parameters[name], name).toBeDefined();
    expect(parametersFile.parameters['dryRun']?.value).toBe(true);
  });
});
