/**
 * The facts linkgate needs about each provider resource type whose private endpoint connections
 * it governs, taken from the public REST API specifications (Azure/azure-rest-api-specs) through
 * the two projects generated from them: `Azure/bicep-types-az` (`generated/<service>/<namespace>/
 * <api-version>/types.md`: the newest stable api-version with a privateEndpointConnections
 * resource, whether the connection carries an etag, the connection-state model and which of its
 * fields are read-only) and `hashicorp/pandora` (`api-definitions/resource-manager/<Service>/
 * <version>/<Resource>/Operation-*.json`: the write's method, its expected status codes and
 * whether it is long-running). Each row cites both. Where real traffic differs from the specs,
 * DESIGN §9 (from the Azure CLI's recorded tests) wins and the row says so.
 *
 * Single servers of MariaDB, MySQL and PostgreSQL are left out: Azure retired them (2024–2025).
 */
import type { ResourceTypeEntry, TypeFacts } from './resource-type-entry.js';

/** Web/sites reads Approving/Rejecting for ~45 s after a write, API Management for minutes (DESIGN §9). */
const WEB_TRANSITIONAL = ['Approving', 'Rejecting', 'Disconnecting'];
/** SQL reports provisioningState Approving/Dropping while it works and Ready when done (DESIGN §9). */
const SQL_TRANSITIONAL = ['Approving', 'Dropping'];

function t(type: string, apiVersion: string, facts: Partial<TypeFacts> = {}): ResourceTypeEntry {
  return Object.freeze({
    type,
    apiVersion,
    list: facts.list ?? 'collection',
    action: facts.action ?? 'put',
    etag: facts.etag ?? false,
    actions: facts.actions ?? 'actionsRequired',
    privateEndpoint: facts.privateEndpoint ?? true,
    description: facts.description ?? true,
    // No write operation in pandora for the type: ARM's default for a long-running PUT
    // (Azure-AsyncOperation, RPC async-api-reference), which the client polls like any other.
    lro: facts.lro ?? 'azure-async-operation',
    writes: Object.freeze([...(facts.writes ?? [200, 201, 202])]),
    transitional: Object.freeze([...(facts.transitional ?? [])]),
    ...(facts.note === undefined ? {} : { note: facts.note }),
  });
}

/** Every governed type, by name. */
export const RESOURCE_TYPE_DATA: readonly ResourceTypeEntry[] = Object.freeze([
  // bicep-types-az azureactivedirectory/microsoft.aadiam/2020-03-01; pandora AzureActiveDirectory/2020-03-01/PrivateEndpointConnections/Operation-Create
  t('microsoft.aadiam/privateLinkForAzureAd', '2020-03-01', { lro: 'azure-async-operation', writes: [201] }),
  // bicep-types-az apimanagement/microsoft.apimanagement/2024-05-01; pandora ApiManagement/2024-05-01/PrivateEndpointConnections/Operation-PrivateEndpointConnectionCreateOrUpdate
  t('Microsoft.ApiManagement/service', '2024-05-01', { privateEndpoint: false, lro: 'azure-async-operation', writes: [200, 202], transitional: WEB_TRANSITIONAL }),
  // bicep-types-az app_0/microsoft.app/2026-01-01; pandora ContainerApps/2025-07-01/ManagedEnvironments/Operation-ManagedEnvironmentPrivateEndpointConnectionsCreateOrUpdate
  t('Microsoft.App/managedEnvironments', '2026-01-01', { lro: 'azure-async-operation', writes: [200, 201] }),
  // bicep-types-az appconfiguration/microsoft.appconfiguration/2024-06-01; pandora AppConfiguration/2024-06-01/PrivateEndpointConnections/Operation-CreateOrUpdate
  t('Microsoft.AppConfiguration/configurationStores', '2024-06-01', { actions: 'read-only', lro: 'azure-async-operation', writes: [200, 201] }),
  // bicep-types-az attestation/microsoft.attestation/2021-06-01; pandora Attestation/2021-06-01/PrivateEndpointConnections/Operation-Create
  t('Microsoft.Attestation/attestationProviders', '2021-06-01', { lro: 'synchronous', writes: [200] }),
  // bicep-types-az automation/microsoft.automation/2024-10-23; pandora Automation/2024-10-23/PrivateEndpointConnections/Operation-CreateOrUpdate
  t('Microsoft.Automation/automationAccounts', '2024-10-23', { actions: 'read-only', lro: 'azure-async-operation', writes: [200, 202] }),
  // bicep-types-az batch/microsoft.batch/2025-06-01; pandora Batch/2024-07-01/PrivateEndpointConnection/Operation-Update
  t('Microsoft.Batch/batchAccounts', '2025-06-01', { etag: true, actions: 'read-only', privateEndpoint: false, lro: 'azure-async-operation', writes: [200, 202], action: 'patch' }),
  // bicep-types-az botservice/microsoft.botservice/2022-09-15; pandora BotService/2022-09-15/PrivateEndpointConnections/Operation-Create
  t('Microsoft.BotService/botServices', '2022-09-15', { lro: 'synchronous', writes: [200] }),
  // bicep-types-az redis/microsoft.cache/2024-11-01; pandora Redis/2024-11-01/PrivateEndpointConnections/Operation-Put
  t('Microsoft.Cache/redis', '2024-11-01', { lro: 'azure-async-operation', writes: [200, 201] }),
  // bicep-types-az redisenterprise/microsoft.cache/2025-07-01; pandora RedisEnterprise/2025-07-01/PrivateEndpointConnections/Operation-Put
  t('Microsoft.Cache/redisEnterprise', '2025-07-01', { lro: 'azure-async-operation', writes: [201] }),
  // bicep-types-az cognitiveservices/microsoft.cognitiveservices/2026-07-01; pandora Cognitive/2026-03-01/PrivateEndpointConnections/Operation-CreateOrUpdate
  t('Microsoft.CognitiveServices/accounts', '2026-07-01', { etag: true, lro: 'azure-async-operation', writes: [200, 202] }),
  // bicep-types-az compute_1/microsoft.compute/2026-03-02; pandora Compute/2023-04-02/DiskAccesses/Operation-UpdateAPrivateEndpointConnection
  t('Microsoft.Compute/diskAccesses', '2026-03-02', { privateEndpoint: false, lro: 'azure-async-operation', writes: [200, 202] }),
  // bicep-types-az containerregistry_0/microsoft.containerregistry/2025-11-01; pandora ContainerRegistry/2025-11-01/PrivateEndpointConnections/Operation-CreateOrUpdate
  t('Microsoft.ContainerRegistry/registries', '2025-11-01', { lro: 'azure-async-operation', writes: [200, 201] }),
  // bicep-types-az containerservice_1/microsoft.containerservice/2026-05-01; pandora ContainerService/2026-04-01/PrivateEndpointConnections/Operation-Update
  t('Microsoft.ContainerService/managedClusters', '2026-05-01', { actions: 'none', lro: 'synchronous', writes: [200, 201] }),
  // bicep-types-az dashboard_0/microsoft.dashboard/2025-08-01; pandora Dashboard/2025-08-01/PrivateEndpointConnections/Operation-Approve
  t('Microsoft.Dashboard/grafana', '2025-08-01', { lro: 'azure-async-operation', writes: [201] }),
  // bicep-types-az databricks/microsoft.databricks/2026-01-01; pandora Databricks/2026-01-01/PUT/Operation-PrivateEndpointConnectionsCreate
  t('Microsoft.Databricks/workspaces', '2026-01-01', { lro: 'azure-async-operation', writes: [200, 202] }),
  // bicep-types-az datafactory/microsoft.datafactory/2018-06-01; pandora DataFactory/2018-06-01/PrivateEndpointConnections/Operation-PrivateEndpointConnectionCreateOrUpdate
  t('Microsoft.DataFactory/factories', '2018-06-01', { etag: true, lro: 'synchronous', writes: [200] }),
  // bicep-types-az recoveryservicesdatareplication/microsoft.datareplication/2026-05-01; no write operation in pandora: ARM default LRO assumed
  t('Microsoft.DataReplication/replicationVaults', '2026-05-01'),
  // bicep-types-az mysql_0/microsoft.dbformysql/2024-12-30; pandora MySql/2024-12-30/PrivateEndpointConnections/Operation-CreateOrUpdate
  t('Microsoft.DBforMySQL/flexibleServers', '2024-12-30', { lro: 'azure-async-operation', writes: [200, 201, 202] }),
  // bicep-types-az postgresql/microsoft.dbforpostgresql/2025-08-01; pandora PostgreSql/2025-08-01/PrivateEndpointConnections/Operation-Update
  t('Microsoft.DBforPostgreSQL/flexibleServers', '2025-08-01', { lro: 'azure-async-operation', writes: [202] }),
  // bicep-types-az postgresqlhsc/microsoft.dbforpostgresql/2022-11-08; pandora PostgreSqlHSC/2022-11-08/PrivateEndpointConnections/Operation-CreateOrUpdate
  t('Microsoft.DBforPostgreSQL/serverGroupsv2', '2022-11-08', { lro: 'azure-async-operation', writes: [200, 201] }),
  // bicep-types-az desktopvirtualization/microsoft.desktopvirtualization/2025-10-10; pandora DesktopVirtualization/2025-10-10/PrivateLink/Operation-PrivateEndpointConnectionsUpdateByHostPool
  t('Microsoft.DesktopVirtualization/hostPools', '2025-10-10', { lro: 'synchronous', writes: [200] }),
  // bicep-types-az desktopvirtualization/microsoft.desktopvirtualization/2025-10-10; pandora DesktopVirtualization/2025-10-10/PrivateLink/Operation-PrivateEndpointConnectionsUpdateByWorkspace
  t('Microsoft.DesktopVirtualization/workspaces', '2025-10-10', { lro: 'synchronous', writes: [200] }),
  // bicep-types-az iothub/microsoft.devices/2023-06-30; no write operation in pandora: ARM default LRO assumed
  t('Microsoft.Devices/iotHubs', '2023-06-30'),
  // bicep-types-az deviceprovisioningservices/microsoft.devices/2022-12-12; no write operation in pandora: ARM default LRO assumed
  t('Microsoft.Devices/provisioningServices', '2022-12-12'),
  // bicep-types-az deviceupdate/microsoft.deviceupdate/2023-07-01; pandora DeviceUpdate/2023-07-01/PrivateEndpointConnections/Operation-CreateOrUpdate
  t('Microsoft.DeviceUpdate/accounts', '2023-07-01', { lro: 'azure-async-operation', writes: [201] }),
  // bicep-types-az digitaltwins/microsoft.digitaltwins/2023-01-31; pandora DigitalTwins/2023-01-31/PrivateEndpoints/Operation-PrivateEndpointConnectionsCreateOrUpdate
  t('Microsoft.DigitalTwins/digitalTwinsInstances', '2023-01-31', { lro: 'azure-async-operation', writes: [200, 202] }),
  // bicep-types-az discovery/microsoft.discovery/2026-06-01; pandora Discovery/2026-06-01/BookshelfPrivateEndpointConnections/Operation-CreateOrUpdate
  t('Microsoft.Discovery/bookshelves', '2026-06-01', { lro: 'azure-async-operation', writes: [200, 201] }),
  // bicep-types-az discovery/microsoft.discovery/2026-06-01; pandora Discovery/2026-06-01/WorkspacePrivateEndpointConnections/Operation-CreateOrUpdate
  t('Microsoft.Discovery/workspaces', '2026-06-01', { lro: 'azure-async-operation', writes: [200, 201] }),
  // bicep-types-az cosmos-db/microsoft.documentdb/2026-03-15; pandora CosmosDB/2025-10-15/PrivateEndpointConnections/Operation-CreateOrUpdate
  t('Microsoft.DocumentDB/databaseAccounts', '2026-03-15', { actions: 'read-only', lro: 'azure-async-operation', writes: [200, 202] }),
  // bicep-types-az mongocluster/microsoft.documentdb/2026-06-01; pandora MongoCluster/2026-06-01/PrivateEndpointConnections/Operation-Create
  t('Microsoft.DocumentDB/mongoClusters', '2026-06-01', { lro: 'azure-async-operation', writes: [200, 201, 202] }),
  // bicep-types-az durabletask_0/microsoft.durabletask/2026-02-01; no write operation in pandora: ARM default LRO assumed
  t('Microsoft.DurableTask/schedulers', '2026-02-01'),
  // bicep-types-az elasticsan/microsoft.elasticsan/2025-09-01; pandora ElasticSan/2024-05-01/PrivateEndpointConnections/Operation-Create
  t('Microsoft.ElasticSan/elasticSans', '2025-09-01', { lro: 'azure-async-operation', writes: [200, 201] }),
  // bicep-types-az eventgrid/microsoft.eventgrid/2025-02-15; pandora EventGrid/2025-02-15/PrivateEndpointConnections/Operation-Update
  t('Microsoft.EventGrid/domains', '2025-02-15', { lro: 'azure-async-operation', writes: [200, 201] }),
  // bicep-types-az eventgrid/microsoft.eventgrid/2025-02-15; pandora EventGrid/2025-02-15/PrivateEndpointConnections/Operation-Update
  t('Microsoft.EventGrid/namespaces', '2025-02-15', { lro: 'azure-async-operation', writes: [200, 201] }),
  // bicep-types-az eventgrid/microsoft.eventgrid/2025-02-15; pandora EventGrid/2025-02-15/PrivateEndpointConnections/Operation-Update
  t('Microsoft.EventGrid/partnerNamespaces', '2025-02-15', { lro: 'azure-async-operation', writes: [200, 201] }),
  // bicep-types-az eventgrid/microsoft.eventgrid/2025-02-15; pandora EventGrid/2025-02-15/PrivateEndpointConnections/Operation-Update
  t('Microsoft.EventGrid/topics', '2025-02-15', { lro: 'azure-async-operation', writes: [200, 201] }),
  // bicep-types-az eventhub/microsoft.eventhub/2026-01-01; pandora EventHub/2024-01-01/NamespacesPrivateEndpointConnections/Operation-PrivateEndpointConnectionsCreateOrUpdate
  t('Microsoft.EventHub/namespaces', '2026-01-01', { actions: 'none', lro: 'synchronous', writes: [200, 201, 202] }),
  // bicep-types-az fileshares/microsoft.fileshares/2026-06-01; no write operation in pandora: ARM default LRO assumed
  t('Microsoft.FileShares/fileShares', '2026-06-01'),
  // bicep-types-az hardwaresecuritymodules/microsoft.hardwaresecuritymodules/2025-03-31; pandora HardwareSecurityModules/2025-03-31/PrivateEndpointConnections/Operation-CloudHsmClusterPrivateEndpointConnectionsCreate
  t('Microsoft.HardwareSecurityModules/cloudHsmClusters', '2025-03-31', { etag: true, lro: 'synchronous', writes: [200] }),
  // bicep-types-az hdinsight/microsoft.hdinsight/2021-06-01; pandora HDInsight/2021-06-01/PrivateEndpointConnections/Operation-CreateOrUpdate
  t('Microsoft.HDInsight/clusters', '2021-06-01', { privateEndpoint: false, lro: 'azure-async-operation', writes: [200, 201] }),
  // bicep-types-az healthcareapis/microsoft.healthcareapis/2024-03-31; pandora HealthcareApis/2024-03-31/PrivateEndpointConnections/Operation-CreateOrUpdate
  t('Microsoft.HealthcareApis/services', '2024-03-31', { lro: 'azure-async-operation', writes: [200] }),
  // bicep-types-az healthcareapis/microsoft.healthcareapis/2024-03-31; pandora HealthcareApis/2024-03-31/WorkspacePrivateEndpointConnections/Operation-CreateOrUpdate
  t('Microsoft.HealthcareApis/workspaces', '2024-03-31', { lro: 'azure-async-operation', writes: [200] }),
  // bicep-types-az healthdataaiservices/microsoft.healthdataaiservices/2024-09-20; no write operation in pandora: ARM default LRO assumed
  t('Microsoft.HealthDataAIServices/deidServices', '2024-09-20'),
  // bicep-types-az hybridcompute/microsoft.hybridcompute/2026-07-15; pandora HybridCompute/2025-01-13/PrivateEndpointConnections/Operation-CreateOrUpdate
  t('Microsoft.HybridCompute/privateLinkScopes', '2026-07-15', { actions: 'read-only', lro: 'azure-async-operation', writes: [200, 202] }),
  // bicep-types-az monitor_1/microsoft.insights/2021-09-01; no write operation in pandora: ARM default LRO assumed
  t('Microsoft.Insights/privateLinkScopes', '2021-09-01', { lro: 'location-status', writes: [200, 202] }),
  // bicep-types-az keyvault/microsoft.keyvault/2026-02-01; pandora KeyVault/2026-02-01/MhsmPrivateEndpointConnections/Operation-Put
  t('Microsoft.KeyVault/managedHSMs', '2026-02-01', { etag: true, lro: 'connection-url', writes: [200] }),
  // bicep-types-az keyvault/microsoft.keyvault/2026-02-01; pandora KeyVault/2026-02-01/PrivateEndpointConnections/Operation-Put
  t('Microsoft.KeyVault/vaults', '2026-02-01', { etag: true, lro: 'connection-url', writes: [200] }),
  // bicep-types-az azure-kusto/microsoft.kusto/2025-02-14; pandora Kusto/2024-04-13/PrivateEndpointConnections/Operation-CreateOrUpdate
  t('Microsoft.Kusto/clusters', '2025-02-14', { actions: 'read-only', privateEndpoint: false, lro: 'azure-async-operation', writes: [200, 201] }),
  // bicep-types-az machinelearningservices/microsoft.machinelearningservices/2026-05-01; pandora MachineLearningServices/2025-09-01/WorkspacePrivateEndpointConnections/Operation-PrivateEndpointConnectionsCreateOrUpdate
  t('Microsoft.MachineLearningServices/workspaces', '2026-05-01', { lro: 'synchronous', writes: [200] }),
  // bicep-types-az migrate_1/microsoft.migrate/2024-01-15; no write operation in pandora: ARM default LRO assumed
  t('Microsoft.Migrate/assessmentProjects', '2024-01-15'),
  // bicep-types-az migrate_7/microsoft.migrate/2023-01-01; no write operation in pandora: ARM default LRO assumed
  t('Microsoft.Migrate/migrateProjects', '2023-01-01', { privateEndpoint: false }),
  // bicep-types-az network/microsoft.network/2025-09-01; pandora Network/2025-07-01/ApplicationGatewayPrivateEndpointConnections/Operation-Update
  t('Microsoft.Network/applicationGateways', '2025-09-01', { etag: true, lro: 'azure-async-operation', writes: [200, 202] }),
  // bicep-types-az network/microsoft.network/2025-09-01; pandora Network/2025-07-01/PrivateLinkServices/Operation-UpdatePrivateEndpointConnection
  // privateEndpoint is read-only in the Network model, but the published example
  // (PrivateLinkServiceUpdatePrivateEndpointConnection.json) sends it back, so linkgate does too.
  // The spec says a plain 200; real traffic adds Azure-AsyncOperation and Updating (DESIGN §9).
  t('Microsoft.Network/privateLinkServices', '2025-09-01', { etag: true, lro: 'azure-async-operation', writes: [200] }),
  // bicep-types-az notificationhubs/microsoft.notificationhubs/2023-09-01; pandora NotificationHubs/2023-09-01/PrivateLink/Operation-PrivateEndpointConnectionsUpdate
  t('Microsoft.NotificationHubs/namespaces', '2023-09-01', { actions: 'read-only', description: false, lro: 'azure-async-operation', writes: [200, 201] }),
  // bicep-types-az migrate_13/microsoft.offazure/2023-06-06; pandora Migrate/2020-07-07/PrivateEndpointConnection/Operation-PutPrivateEndpointConnection
  t('Microsoft.OffAzure/masterSites', '2023-06-06', { privateEndpoint: false, lro: 'synchronous', writes: [200] }),
  // bicep-types-az powerbiprivatelinks/microsoft.powerbi/2020-06-01; no write operation in pandora: ARM default LRO assumed
  t('Microsoft.PowerBI/privateLinkServicesForPowerBI', '2020-06-01'),
  // bicep-types-az purview/microsoft.purview/2021-12-01; pandora Purview/2021-12-01/PrivateEndpointConnection/Operation-CreateOrUpdate
  t('Microsoft.Purview/accounts', '2021-12-01', { lro: 'azure-async-operation', writes: [200, 201] }),
  // bicep-types-az recoveryservicesbackup/microsoft.recoveryservices/2026-07-01; pandora RecoveryServicesBackup/2025-08-01/PrivateEndpointConnectionResources/Operation-PrivateEndpointConnectionPut
  t('Microsoft.RecoveryServices/vaults', '2026-07-01', { lro: 'azure-async-operation', writes: [200, 201], list: 'parent-properties' }),
  // bicep-types-az relay/microsoft.relay/2026-01-01; pandora Relay/2024-01-01/PrivateEndpointConnections/Operation-CreateOrUpdate
  t('Microsoft.Relay/namespaces', '2026-01-01', { actions: 'none', lro: 'synchronous', writes: [200, 201, 202] }),
  // bicep-types-az search/microsoft.search/2025-05-01; pandora Search/2025-05-01/PrivateEndpointConnections/Operation-Update
  t('Microsoft.Search/searchServices', '2025-05-01', { lro: 'synchronous', writes: [200] }),
  // bicep-types-az security/microsoft.security/2026-01-01; no write operation in pandora: ARM default LRO assumed
  t('Microsoft.Security/privateLinks', '2026-01-01'),
  // bicep-types-az securityandcompliance/microsoft.securityandcompliance/2021-03-08; no write operation in pandora: ARM default LRO assumed
  t('Microsoft.SecurityAndCompliance/privateLinkServicesForEDMUpload', '2021-03-08'),
  // bicep-types-az securityandcompliance/microsoft.securityandcompliance/2021-03-08; no write operation in pandora: ARM default LRO assumed
  t('Microsoft.SecurityAndCompliance/privateLinkServicesForM365ComplianceCenter', '2021-03-08'),
  // bicep-types-az securityandcompliance/microsoft.securityandcompliance/2021-03-08; no write operation in pandora: ARM default LRO assumed
  t('Microsoft.SecurityAndCompliance/privateLinkServicesForM365SecurityCenter', '2021-03-08'),
  // bicep-types-az securityandcompliance/microsoft.securityandcompliance/2021-03-08; no write operation in pandora: ARM default LRO assumed
  t('Microsoft.SecurityAndCompliance/privateLinkServicesForMIPPolicySync', '2021-03-08'),
  // bicep-types-az securityandcompliance/microsoft.securityandcompliance/2021-03-08; no write operation in pandora: ARM default LRO assumed
  t('Microsoft.SecurityAndCompliance/privateLinkServicesForO365ManagementActivityAPI', '2021-03-08'),
  // bicep-types-az securityandcompliance/microsoft.securityandcompliance/2021-03-08; no write operation in pandora: ARM default LRO assumed
  t('Microsoft.SecurityAndCompliance/privateLinkServicesForSCCPowershell', '2021-03-08'),
  // bicep-types-az servicebus/microsoft.servicebus/2026-01-01; pandora ServiceBus/2024-01-01/NamespacesPrivateEndpointConnections/Operation-PrivateEndpointConnectionsCreateOrUpdate
  t('Microsoft.ServiceBus/namespaces', '2026-01-01', { actions: 'none', lro: 'synchronous', writes: [200, 201, 202] }),
  // bicep-types-az signalr/microsoft.signalrservice/2024-03-01; pandora SignalR/2024-03-01/SignalR/Operation-PrivateEndpointConnectionsUpdate
  t('Microsoft.SignalRService/signalR', '2024-03-01', { lro: 'synchronous', writes: [200] }),
  // bicep-types-az webpubsub/microsoft.signalrservice/2024-03-01; pandora WebPubSub/2024-03-01/WebPubSub/Operation-PrivateEndpointConnectionsUpdate
  t('Microsoft.SignalRService/webPubSub', '2024-03-01', { lro: 'synchronous', writes: [200] }),
  // bicep-types-az sql_1/microsoft.sql/2025-01-01; pandora Sql/2025-01-01/ManagedInstancePrivateEndpointConnections/Operation-CreateOrUpdate
  t('Microsoft.Sql/managedInstances', '2025-01-01', { actions: 'read-only', lro: 'azure-async-operation', writes: [200, 202], transitional: SQL_TRANSITIONAL }),
  // bicep-types-az sql_1/microsoft.sql/2025-01-01; pandora Sql/2025-01-01/PrivateEndpointConnections/Operation-CreateOrUpdate
  t('Microsoft.Sql/servers', '2025-01-01', { actions: 'read-only', lro: 'azure-async-operation', writes: [200, 202], transitional: SQL_TRANSITIONAL }),
  // bicep-types-az storage/microsoft.storage/2026-04-01; pandora Storage/2025-08-01/PrivateEndpointConnections/Operation-Put
  t('Microsoft.Storage/storageAccounts', '2026-04-01', { actions: 'actionRequired', lro: 'synchronous', writes: [200] }),
  // bicep-types-az storagesync/microsoft.storagesync/2025-12-01; pandora StorageSync/2022-09-01/PrivateEndpointConnections/Operation-Create
  t('Microsoft.StorageSync/storageSyncServices', '2025-12-01', { lro: 'azure-async-operation', writes: [200, 202] }),
  // bicep-types-az synapse/microsoft.synapse/2021-06-01; pandora Synapse/2021-06-01/PrivateEndpointConnections/Operation-Create
  t('Microsoft.Synapse/workspaces', '2021-06-01', { actions: 'read-only', lro: 'azure-async-operation', writes: [200, 201] }),
  // bicep-types-az vi/microsoft.videoindexer/2025-04-01; pandora VideoIndexer/2025-04-01/PrivateEndpointConnections/Operation-CreateOrUpdate
  t('Microsoft.VideoIndexer/accounts', '2025-04-01', { lro: 'azure-async-operation', writes: [200, 201] }),
  // bicep-types-az web/microsoft.web/2025-03-01; pandora Web/2025-05-01/AppServiceEnvironments/Operation-ApproveOrRejectPrivateEndpointConnection
  t('Microsoft.Web/hostingEnvironments', '2025-03-01', { lro: 'azure-async-operation', writes: [200, 202], transitional: WEB_TRANSITIONAL }),
  // bicep-types-az web/microsoft.web/2025-03-01; pandora Web/2025-05-01/WebApps/Operation-ApproveOrRejectPrivateEndpointConnection
  t('Microsoft.Web/sites', '2025-03-01', { lro: 'azure-async-operation', writes: [200, 202], transitional: WEB_TRANSITIONAL }),
  // bicep-types-az web/microsoft.web/2025-03-01; pandora Web/2025-05-01/WebApps/Operation-ApproveOrRejectPrivateEndpointConnectionSlot
  t('Microsoft.Web/sites/slots', '2025-03-01', { lro: 'azure-async-operation', writes: [200, 202], transitional: WEB_TRANSITIONAL }),
  // bicep-types-az web/microsoft.web/2025-03-01; pandora Web/2025-05-01/StaticSites/Operation-ApproveOrRejectPrivateEndpointConnection
  t('Microsoft.Web/staticSites', '2025-03-01', { lro: 'azure-async-operation', writes: [200, 202], transitional: WEB_TRANSITIONAL }),
  // AOSM artifact stores expose no connection resources, only POST actions on the store; the
  // operation is polled through Location, whose status resource answers {"status": …} (DESIGN §9).
  // bicep-types-az hybridnetwork_0/microsoft.hybridnetwork/2024-04-15; specification/hybridnetwork/resource-manager/Microsoft.HybridNetwork/stable/2024-04-15 (ArtifactStores_ApprovePrivateEndPoints)
  t('Microsoft.HybridNetwork/publishers/artifactStores', '2024-04-15', { list: 'aosm-post', action: 'aosm-post', actions: 'none', lro: 'location-status', writes: [200, 202] }),
  // Connections exist but cannot be approved through ARM (DESIGN §9): listed so `linkgate types`
  // says so by name, and a policy naming them is refused instead of writing.
  // bicep-types-az synapse/microsoft.synapse/2021-06-01: privateLinkHubs has no privateEndpointConnections resource
  t('Microsoft.Synapse/privateLinkHubs', '2021-06-01', { list: 'parent-properties', action: 'none', lro: 'synchronous', writes: [], note: 'the API has no privateEndpointConnections resource to write: not approvable through ARM' }),
  // bicep-types-az monitoringservice_0/microsoft.monitor/2025-10-03: properties.privateEndpointConnections is ReadOnly
  t('Microsoft.Monitor/accounts', '2025-10-03', { list: 'parent-properties', action: 'none', lro: 'synchronous', writes: [], note: 'properties.privateEndpointConnections is read-only in the API: not approvable through ARM' }),
]);
