// Azure OpenAI with one deployment each for embeddings, chat (ticket analysis) and transcription.
// Keys are off: the app calls it with its managed identity.
param location string
param tags object
param name string

var deployments = [
  { name: 'embeddings', model: 'text-embedding-3-small', version: '1', capacity: 50 }
  { name: 'chat', model: 'gpt-4o-mini', version: '2024-07-18', capacity: 30 }
  { name: 'transcription', model: 'gpt-4o-mini-transcribe', version: '2025-03-20', capacity: 10 }
]

resource account 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: name
  location: location
  tags: tags
  kind: 'OpenAI'
  sku: { name: 'S0' }
  identity: { type: 'SystemAssigned' }
  properties: {
    customSubDomainName: name
    disableLocalAuth: true
    // The account never calls out; nothing can be sent elsewhere from it.
    restrictOutboundNetworkAccess: true
    allowedFqdnList: []
    publicNetworkAccess: 'Enabled'
  }
}

// One at a time: the service refuses concurrent deployment changes on an account.
@batchSize(1)
resource models 'Microsoft.CognitiveServices/accounts/deployments@2024-10-01' = [for d in deployments: {
  parent: account
  name: d.name
  sku: { name: 'Standard', capacity: d.capacity }
  properties: {
    model: { format: 'OpenAI', name: d.model, version: d.version }
  }
}]

output name string = account.name
output endpoint string = account.properties.endpoint
