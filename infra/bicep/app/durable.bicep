// The Durable Task Scheduler that runs the call pipeline's orchestrations: a managed, push-based backend, so the
// first activity of a call after a quiet hour starts at once instead of after a queue poll's back-off.
param location string
param tags object
param name string
param taskHubName string
@allowed(['Consumption', 'Dedicated'])
param skuName string

resource scheduler 'Microsoft.DurableTask/schedulers@2025-11-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    // Dedicated is bought in capacity units; Consumption is billed per action and takes none.
    sku: skuName == 'Dedicated' ? { name: skuName, capacity: 1 } : { name: skuName }
    // Flex Consumption without a virtual network has no fixed outbound addresses, so every address may try;
    // Entra ID decides (the app's identity holds Durable Task Data Contributor). An empty list refuses all.
    ipAllowlist: ['0.0.0.0/0']
  }
}

resource taskHub 'Microsoft.DurableTask/schedulers/taskHubs@2025-11-01' = {
  parent: scheduler
  name: taskHubName
  properties: {}
}

output name string = scheduler.name
output endpoint string = scheduler.properties.endpoint
output taskHubName string = taskHub.name
