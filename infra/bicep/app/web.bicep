// The Static Web App (Standard, for Entra ID sign-in and a linked backend). Its config
// (static_web/staticwebapp.config.json) reads the Entra ID app registration from these settings.
param location string
param tags object
param name string
param aadClientId string
@secure()
param aadClientSecret string

resource site 'Microsoft.Web/staticSites@2024-04-01' = {
  name: name
  location: location
  tags: tags
  sku: { name: 'Standard', tier: 'Standard' }
  properties: {
    stagingEnvironmentPolicy: 'Enabled'
    allowConfigFileUpdates: true
  }
}

resource settings 'Microsoft.Web/staticSites/config@2024-04-01' = {
  parent: site
  name: 'appsettings'
  properties: {
    AAD_CLIENT_ID: aadClientId
    AAD_CLIENT_SECRET: aadClientSecret
  }
}

output name string = site.name
output defaultHostname string = site.properties.defaultHostname
