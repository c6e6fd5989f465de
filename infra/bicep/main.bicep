// Atiende on Azure: one resource group with everything the app needs. Deployed by `azd up` or
// `az deployment sub create`; infra/terraform describes the same resources with the same names.
targetScope = 'subscription'

@minLength(1)
@maxLength(20)
@description('Names the environment; every resource name starts from it.')
param environmentName string

@description('Region for every resource except the Static Web App and Azure OpenAI.')
param location string

@description('Static Web Apps runs in a few regions only.')
@allowed(['westus2', 'centralus', 'eastus2', 'westeurope', 'eastasia'])
param staticWebAppLocation string = 'westeurope'

@description('Region for Azure OpenAI: pick one that offers the three model deployments.')
param openAiLocation string = location

param postgresAdminLogin string = 'atiende'

@secure()
@minLength(16)
param postgresAdminPassword string

@description('Client id of the Entra ID app registration that signs agents in (it defines the agent and admin app roles).')
param aadClientId string

@secure()
param aadClientSecret string

@secure()
@description('Twilio auth token, kept in Key Vault for the voice webhooks.')
param twilioAuthToken string = ''

@secure()
@description('ElevenLabs API key, kept in Key Vault for spoken prompts.')
param elevenLabsApiKey string = ''

@description('Twilio account SID, for SMS and recording downloads; empty leaves SMS off.')
param twilioAccountSid string = ''

@description('The Twilio phone number callers ring and SMS come from, in E.164.')
param twilioPhoneNumber string = ''

@description('Region for phone numbers written without a country code.')
param defaultPhoneRegion string = 'US'

@description('The language and accent to answer a call in when neither the caller nor their number tells.')
@allowed(['es-MX', 'es-ES', 'es-US', 'en-US', 'en-GB'])
param defaultCallLocale string = 'es-MX'

@minValue(1)
@maxValue(365)
param autoCloseDays int = 7

@description('Where Durable Functions keeps the call pipeline: the Durable Task Scheduler (pushes work at once), or the Azure Storage provider (polls its queues, here every second at most).')
@allowed(['DurableTaskScheduler', 'AzureStorage'])
param durableBackend string = 'DurableTaskScheduler'

@description('The Durable Task Scheduler\'s plan: Consumption bills per action; Dedicated reserves a capacity unit.')
@allowed(['Consumption', 'Dedicated'])
param durableSchedulerSku string = 'Consumption'

var token = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName, application: 'atiende' }
var names = {
  resourceGroup: 'rg-${environmentName}'
  logAnalytics: 'log-${environmentName}-${token}'
  appInsights: 'appi-${environmentName}-${token}'
  storage: take('st${replace(environmentName, '-', '')}${token}', 24)
  keyVault: take('kv-${environmentName}-${token}', 24)
  postgres: 'psql-${environmentName}-${token}'
  redis: 'redis-${environmentName}-${token}'
  openAi: 'oai-${environmentName}-${token}'
  plan: 'plan-${environmentName}-${token}'
  functionApp: 'func-${environmentName}-${token}'
  staticWebApp: 'stapp-${environmentName}-${token}'
  durableScheduler: 'dts-${environmentName}-${token}'
}
var useScheduler = durableBackend == 'DurableTaskScheduler'
// host.json names the hub by this setting, and the scheduler's task hub has the same name.
var durableTaskHub = 'atiende'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: names.resourceGroup
  location: location
  tags: tags
}

module monitoring 'app/monitoring.bicep' = {
  scope: rg
  name: 'monitoring'
  params: { location: location, tags: tags, logAnalyticsName: names.logAnalytics, appInsightsName: names.appInsights }
}

module storage 'app/storage.bicep' = {
  scope: rg
  name: 'storage'
  params: {
    location: location
    tags: tags
    name: names.storage
    logAnalyticsId: monitoring.outputs.logAnalyticsId
    uploadOrigins: ['https://${web.outputs.defaultHostname}']
  }
}

module postgres 'app/postgres.bicep' = {
  scope: rg
  name: 'postgres'
  params: {
    location: location
    tags: tags
    name: names.postgres
    adminLogin: postgresAdminLogin
    adminPassword: postgresAdminPassword
  }
}

var requiredSecrets = {
  'database-url': 'postgresql://${postgresAdminLogin}:${uriComponent(postgresAdminPassword)}@${postgres.outputs.host}:5432/${postgres.outputs.databaseName}?sslmode=require'
  'postgres-admin-password': postgresAdminPassword
}
// Vendor secrets are stored once they are given; an empty one is left out rather than stored blank.
var twilioSecret = empty(twilioAuthToken) ? {} : { 'twilio-auth-token': twilioAuthToken }
var elevenLabsSecret = empty(elevenLabsApiKey) ? {} : { 'elevenlabs-api-key': elevenLabsApiKey }

module keyVault 'app/keyvault.bicep' = {
  scope: rg
  name: 'keyvault'
  params: {
    location: location
    tags: tags
    name: names.keyVault
    logAnalyticsId: monitoring.outputs.logAnalyticsId
    secrets: union(requiredSecrets, twilioSecret, elevenLabsSecret)
  }
}

module redis 'app/redis.bicep' = {
  scope: rg
  name: 'redis'
  params: { location: location, tags: tags, name: names.redis }
}

module openAi 'app/openai.bicep' = {
  scope: rg
  name: 'openai'
  params: { location: openAiLocation, tags: tags, name: names.openAi }
}

module web 'app/web.bicep' = {
  scope: rg
  name: 'web'
  params: {
    location: staticWebAppLocation
    tags: union(tags, { 'azd-service-name': 'web' })
    name: names.staticWebApp
    aadClientId: aadClientId
    aadClientSecret: aadClientSecret
  }
}

module durable 'app/durable.bicep' = if (useScheduler) {
  scope: rg
  name: 'durable'
  params: {
    location: location
    tags: tags
    name: names.durableScheduler
    taskHubName: durableTaskHub
    skuName: durableSchedulerSku
  }
}

// Every setting the code reads (domain/settings.py), and nothing else; tests/infra checks the three lists agree.
var codeSettings = {
  DATABASE_URL: '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.vaultUri}secrets/database-url/)'
  DATABASE_POOL_MAX_SIZE: '5'
  PUBLIC_BASE_URL: 'https://${web.outputs.defaultHostname}'
  DEFAULT_PHONE_REGION: defaultPhoneRegion
  AUTO_CLOSE_DAYS: string(autoCloseDays)
  MAX_BODY_BYTES: '1048576'
  SEED_DEMO_DATA: 'false'
  DURABLE_TASK_HUB: durableTaskHub
  // The scheduler's endpoint and the app's system-assigned identity: no secret. Empty with Azure Storage.
  DURABLE_TASK_SCHEDULER_CONNECTION_STRING: useScheduler ? 'Endpoint=${durable.outputs.endpoint};Authentication=ManagedIdentity' : ''
  RECORDINGS_CONTAINER: 'recordings'
  PROMPTS_CONTAINER: 'prompt-audio'
  TWILIO_ACCOUNT_SID: twilioAccountSid
  // A reference to a secret that was never stored would reach the app as its literal text: leave it empty.
  TWILIO_AUTH_TOKEN: empty(twilioAuthToken) ? '' : '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.vaultUri}secrets/twilio-auth-token/)'
  TWILIO_PHONE_NUMBER: twilioPhoneNumber
  TWILIO_API_BASE_URL: 'https://api.twilio.com'
  // Recordings are fetched from Twilio's API hosts only; any other URL a webhook names sends the call for review.
  RECORDING_HOSTS: 'api.twilio.com,api.dublin.ie1.twilio.com,api.sydney.au1.twilio.com'
  DEFAULT_CALL_LOCALE: defaultCallLocale
  RECORDING_WAIT_MINUTES: '30'
  DUPLICATE_WINDOW_HOURS: '48'
  DUPLICATE_MIN_OVERLAP: '0.6'
  // Keyless: the app's managed identity holds Cognitive Services OpenAI User on the account.
  AZURE_OPENAI_ENDPOINT: openAi.outputs.endpoint
  AZURE_OPENAI_API_KEY: ''
  AZURE_OPENAI_API_VERSION: '2025-04-01-preview'
  AZURE_OPENAI_TRANSCRIBE_DEPLOYMENT: 'transcription'
  ELEVENLABS_API_KEY: empty(elevenLabsApiKey) ? '' : '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.vaultUri}secrets/elevenlabs-api-key/)'
  ELEVENLABS_BASE_URL: 'https://api.elevenlabs.io'
  ELEVENLABS_VOICE_ID: '21m00Tcm4TlvDq8ikWAM'
  ELEVENLABS_TTS_MODEL: 'eleven_flash_v2_5'
  ELEVENLABS_STT_MODEL: 'scribe_v1'
  TRANSCRIPTION_PROVIDER: 'auto'
  // TLS, no password: the app signs in to Redis with its managed identity (an access policy assignment).
  REDIS_URL: 'rediss://${redis.outputs.host}:10000/0'
  REDIS_NAMESPACE: 'atiende'
  EMBEDDING_PROVIDER: 'azure_openai'
  AZURE_OPENAI_EMBEDDING_DEPLOYMENT: 'embeddings'
  AZURE_OPENAI_CHAT_DEPLOYMENT: 'chat'
  EMBEDDING_DIMENSIONS: '384'
  DUPLICATE_CANDIDATE_SCORE: '0.6'
  DUPLICATE_CALL_SCORE: '0.85'
  TRIAGE_TRAINING_TICKETS: '20000'
  RATE_LIMIT_PER_MINUTE: '600'
  RATE_LIMIT_BURST: '120'
  RECORDING_RETENTION_DAYS: '0'
  TRIAGE_TRAINING_INTERVAL_SECONDS: '600'
  TRIAGE_RETRAIN_GROWTH: '0.25'
  TRIAGE_FILL_PRECISION: '0.9'
  TRANSCRIPT_MIN_CONFIDENCE: '0.5'
  OUTAGE_MEDIUM_IMPACT_CALLERS: '3'
  OUTAGE_HIGH_IMPACT_CALLERS: '10'
  DUPLICATE_CROSS_LANGUAGE_SCORE: '0.3'
  // E-mail is off until its relay and mailbox are named (Exchange Online over XOAUTH2 with the app's identity,
  // or Azure Communication Services' SMTP with a Key Vault reference as SMTP_PASSWORD): docs/operations.md.
  NOTIFY_QUIET_SECONDS: '60'
  NOTIFY_MAX_WAIT_SECONDS: '300'
  NOTIFY_MAX_ATTEMPTS: '8'
  QUIET_HOURS: '21:00-08:00'
  DESK_TIME_ZONE: 'America/Mexico_City'
  INBOUND_MAX_PER_SENDER_HOUR: '20'
  MAIL_MAX_BYTES: '26214400'
  ATTACHMENT_MAX_BYTES: '10485760'
  ATTACHMENT_TYPES: 'image/*,application/pdf,text/plain,text/csv,application/zip,application/vnd.openxmlformats-officedocument.wordprocessingml.document,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,application/msword,application/vnd.ms-excel,message/rfc822'
  ATTACHMENTS_CONTAINER: 'attachments'
  UPLOAD_LINK_MINUTES: '10'
  EXPORT_MAX_ROWS: '100000'
  SATISFACTION_REPLY_DAYS: '7'
  SATISFACTION_FLAG_AT_MOST: '2'
  SMTP_HOST: ''
  SMTP_PORT: '587'
  SMTP_SECURITY: 'starttls'
  SMTP_USERNAME: ''
  SMTP_PASSWORD: ''
  MAIL_FROM: ''
  IMAP_HOST: ''
  IMAP_PORT: '993'
  IMAP_SECURITY: 'tls'
  IMAP_USERNAME: ''
  IMAP_PASSWORD: ''
  IMAP_MAILBOX: 'INBOX'
  SMTP_AUTH: 'xoauth2'
  IMAP_AUTH: 'xoauth2'
  MAIL_OAUTH_SCOPE: 'https://outlook.office365.com/.default'
}

module api 'app/api.bicep' = {
  scope: rg
  name: 'api'
  params: {
    location: location
    tags: union(tags, { 'azd-service-name': 'api' })
    planName: names.plan
    name: names.functionApp
    storageAccountName: storage.outputs.name
    deploymentContainerName: storage.outputs.deploymentContainerName
    appInsightsConnectionString: monitoring.outputs.appInsightsConnectionString
    codeSettings: codeSettings
    durableBackend: durableBackend
  }
}

module backend 'app/backend.bicep' = {
  scope: rg
  name: 'backend'
  params: { staticWebAppName: web.outputs.name, functionAppId: api.outputs.id, location: location }
}

module rbac 'app/rbac.bicep' = {
  scope: rg
  name: 'rbac'
  params: {
    principalId: api.outputs.principalId
    storageAccountName: storage.outputs.name
    keyVaultName: keyVault.outputs.name
    appInsightsName: monitoring.outputs.appInsightsName
    openAiName: openAi.outputs.name
    redisName: redis.outputs.name
    durableSchedulerName: useScheduler ? durable.outputs.name : ''
  }
}

output resourceGroupName string = rg.name
output functionAppName string = api.outputs.name
output functionAppHostname string = api.outputs.defaultHostname
output staticWebAppName string = web.outputs.name
output publicBaseUrl string = 'https://${web.outputs.defaultHostname}'
output keyVaultName string = keyVault.outputs.name
output storageAccountName string = storage.outputs.name
output postgresHost string = postgres.outputs.host
output redisHost string = redis.outputs.host
output openAiEndpoint string = openAi.outputs.endpoint
output durableTaskSchedulerEndpoint string = useScheduler ? durable.outputs.endpoint : ''

