// The Function App on the Flex Consumption plan: Python 3.11, system-assigned identity, the host's
// storage reached by that identity (no keys), and the app settings the code reads.
param location string
param tags object
param planName string
param name string
param storageAccountName string
param deploymentContainerName string
param appInsightsConnectionString string
param codeSettings object
@allowed(['DurableTaskScheduler', 'AzureStorage'])
param durableBackend string

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: { name: 'FC1', tier: 'FlexConsumption' }
  properties: { reserved: true }
}

// Settings for the Functions host itself, not read by our code.
var platformSettings = {
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__blobServiceUri: storage.properties.primaryEndpoints.blob
  AzureWebJobsStorage__queueServiceUri: storage.properties.primaryEndpoints.queue
  AzureWebJobsStorage__tableServiceUri: storage.properties.primaryEndpoints.table
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD'
}
// host.json runs Durable Functions on the Durable Task Scheduler; this app setting overrides it when the
// deployment keeps the Azure Storage provider (host.json's one-second maxQueuePollingInterval then applies).
var durableSettings = durableBackend == 'AzureStorage' ? { AzureFunctionsJobHost__extensions__durableTask__storageProvider__type: 'AzureStorage' } : {}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: { type: 'SystemAssigned' }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientCertEnabled: false
    keyVaultReferenceIdentity: 'SystemAssigned'
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: { type: 'SystemAssignedIdentity' }
        }
      }
      scaleAndConcurrency: { maximumInstanceCount: 100, instanceMemoryMB: 2048 }
      runtime: { name: 'python', version: '3.11' }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      appSettings: [for setting in items(union(platformSettings, durableSettings, codeSettings)): {
        name: setting.key
        value: setting.value
      }]
    }
  }
}

output id string = app.id
output name string = app.name
output principalId string = app.identity.principalId
output defaultHostname string = app.properties.defaultHostName
