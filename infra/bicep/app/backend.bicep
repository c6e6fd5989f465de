// Registers the Function App with the Static Web App ("bring your own functions"): /api on the site
// goes to the app, and the app then accepts only traffic that the site forwards.
param staticWebAppName string
param functionAppId string
param location string

resource site 'Microsoft.Web/staticSites@2024-04-01' existing = {
  name: staticWebAppName
}

resource api 'Microsoft.Web/staticSites/userProvidedFunctionApps@2024-04-01' = {
  parent: site
  name: 'api'
  properties: {
    functionAppResourceId: functionAppId
    functionAppRegion: location
  }
}
