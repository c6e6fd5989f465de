// Azure Managed Redis with RediSearch for the vector index. RediSearch needs the Enterprise clustering
// policy, and an index must never be evicted: NoEviction. Entra ID only, no access keys.
param location string
param tags object
param name string

resource cluster 'Microsoft.Cache/redisEnterprise@2025-04-01' = {
  name: name
  location: location
  tags: tags
  sku: { name: 'Balanced_B0' }
  properties: {
    minimumTlsVersion: '1.2'
    highAvailability: 'Enabled'
  }
}

resource database 'Microsoft.Cache/redisEnterprise/databases@2025-04-01' = {
  parent: cluster
  name: 'default'
  properties: {
    clientProtocol: 'Encrypted'
    port: 10000
    clusteringPolicy: 'EnterpriseCluster'
    evictionPolicy: 'NoEviction'
    accessKeysAuthentication: 'Disabled'
    modules: [{ name: 'RediSearch' }]
  }
}

output name string = cluster.name
output host string = cluster.properties.hostName
