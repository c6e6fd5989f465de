# Atiende on Azure: one resource group with everything the app needs; infra/bicep describes the same
# resources with the same names.

data "azurerm_client_config" "current" {}

resource "random_string" "token" {
  length  = 13
  upper   = false
  special = false
}

locals {
  token = random_string.token.result
  tags  = { "azd-env-name" = var.environment_name, application = "atiende" }
  names = {
    resource_group    = "rg-${var.environment_name}"
    log_analytics     = "log-${var.environment_name}-${local.token}"
    app_insights      = "appi-${var.environment_name}-${local.token}"
    storage           = substr("st${replace(var.environment_name, "-", "")}${local.token}", 0, 24)
    key_vault         = substr("kv-${var.environment_name}-${local.token}", 0, 24)
    postgres          = "psql-${var.environment_name}-${local.token}"
    redis             = "redis-${var.environment_name}-${local.token}"
    open_ai           = "oai-${var.environment_name}-${local.token}"
    plan              = "plan-${var.environment_name}-${local.token}"
    function_app      = "func-${var.environment_name}-${local.token}"
    static_web_app    = "stapp-${var.environment_name}-${local.token}"
    durable_scheduler = "dts-${var.environment_name}-${local.token}"
  }
  open_ai_location = var.open_ai_location == "" ? var.location : var.open_ai_location

  # Every setting the code reads (domain/settings.py), and nothing else; tests/infra checks the three lists agree.
  code_settings = {
    DATABASE_URL           = "@Microsoft.KeyVault(SecretUri=${azurerm_key_vault.main.vault_uri}secrets/database-url/)"
    DATABASE_POOL_MAX_SIZE = "5"
    PUBLIC_BASE_URL        = "https://${azurerm_static_web_app.main.default_host_name}"
    DEFAULT_PHONE_REGION   = var.default_phone_region
    AUTO_CLOSE_DAYS        = tostring(var.auto_close_days)
    MAX_BODY_BYTES         = "1048576"
    SEED_DEMO_DATA         = "false"
    DURABLE_TASK_HUB       = local.durable_task_hub
    # The scheduler's endpoint and the app's system-assigned identity: no secret. Empty with Azure Storage.
    DURABLE_TASK_SCHEDULER_CONNECTION_STRING = local.use_scheduler ? "Endpoint=${azapi_resource.durable_scheduler[0].output.properties.endpoint};Authentication=ManagedIdentity" : ""
    RECORDINGS_CONTAINER                     = "recordings"
    PROMPTS_CONTAINER                        = "prompt-audio"
    TWILIO_ACCOUNT_SID                       = var.twilio_account_sid
    # A reference to a secret that was never stored would reach the app as its literal text: leave it empty.
    TWILIO_AUTH_TOKEN   = var.twilio_auth_token == "" ? "" : "@Microsoft.KeyVault(SecretUri=${azurerm_key_vault.main.vault_uri}secrets/twilio-auth-token/)"
    TWILIO_PHONE_NUMBER = var.twilio_phone_number
    TWILIO_API_BASE_URL = "https://api.twilio.com"
    # Recordings are fetched from Twilio's API hosts only; any other URL a webhook names sends the call for review.
    RECORDING_HOSTS        = "api.twilio.com,api.dublin.ie1.twilio.com,api.sydney.au1.twilio.com"
    DEFAULT_CALL_LOCALE    = var.default_call_locale
    RECORDING_WAIT_MINUTES = "30"
    DUPLICATE_WINDOW_HOURS = "48"
    DUPLICATE_MIN_OVERLAP  = "0.6"
    # Keyless: the app's managed identity holds Cognitive Services OpenAI User on the account.
    AZURE_OPENAI_ENDPOINT              = azurerm_cognitive_account.open_ai.endpoint
    AZURE_OPENAI_API_KEY               = ""
    AZURE_OPENAI_API_VERSION           = "2025-04-01-preview"
    AZURE_OPENAI_TRANSCRIBE_DEPLOYMENT = "transcription"
    ELEVENLABS_API_KEY                 = var.eleven_labs_api_key == "" ? "" : "@Microsoft.KeyVault(SecretUri=${azurerm_key_vault.main.vault_uri}secrets/elevenlabs-api-key/)"
    ELEVENLABS_BASE_URL                = "https://api.elevenlabs.io"
    ELEVENLABS_VOICE_ID                = "21m00Tcm4TlvDq8ikWAM"
    ELEVENLABS_TTS_MODEL               = "eleven_flash_v2_5"
    ELEVENLABS_STT_MODEL               = "scribe_v1"
    TRANSCRIPTION_PROVIDER             = "auto"
    # TLS, no password: the app signs in to Redis with its managed identity (an access policy assignment).
    REDIS_URL                         = "rediss://${azurerm_managed_redis.main.hostname}:10000/0"
    REDIS_NAMESPACE                   = "atiende"
    EMBEDDING_PROVIDER                = "azure_openai"
    AZURE_OPENAI_EMBEDDING_DEPLOYMENT = "embeddings"
    AZURE_OPENAI_CHAT_DEPLOYMENT      = "chat"
    EMBEDDING_DIMENSIONS              = "384"
    DUPLICATE_CANDIDATE_SCORE         = "0.6"
    DUPLICATE_CALL_SCORE              = "0.85"
    TRIAGE_TRAINING_TICKETS           = "20000"
    RATE_LIMIT_PER_MINUTE             = "600"
    RATE_LIMIT_BURST                  = "120"
    RECORDING_RETENTION_DAYS          = "0"
    TRIAGE_TRAINING_INTERVAL_SECONDS  = "600"
    TRIAGE_RETRAIN_GROWTH             = "0.25"
    TRIAGE_FILL_PRECISION             = "0.9"
    TRANSCRIPT_MIN_CONFIDENCE         = "0.5"
    OUTAGE_MEDIUM_IMPACT_CALLERS      = "3"
    OUTAGE_HIGH_IMPACT_CALLERS        = "10"
    DUPLICATE_CROSS_LANGUAGE_SCORE    = "0.3"
    # E-mail is off until its relay and mailbox are named (Exchange Online over XOAUTH2 with the app's identity,
    # or Azure Communication Services' SMTP with a Key Vault reference as SMTP_PASSWORD): docs/operations.md.
    NOTIFY_QUIET_SECONDS      = "60"
    NOTIFY_MAX_WAIT_SECONDS   = "300"
    NOTIFY_MAX_ATTEMPTS       = "8"
    QUIET_HOURS               = "21:00-08:00"
    DESK_TIME_ZONE            = "America/Mexico_City"
    INBOUND_MAX_PER_SENDER_HOUR  = "20"
    MAIL_MAX_BYTES            = "26214400"
    ATTACHMENT_MAX_BYTES      = "10485760"
    ATTACHMENT_TYPES          = "image/*,application/pdf,text/plain,text/csv,application/zip,application/vnd.openxmlformats-officedocument.wordprocessingml.document,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,application/msword,application/vnd.ms-excel,message/rfc822"
    ATTACHMENTS_CONTAINER     = "attachments"
    UPLOAD_LINK_MINUTES       = "10"
    EXPORT_MAX_ROWS           = "100000"
    SATISFACTION_REPLY_DAYS   = "7"
    SATISFACTION_FLAG_AT_MOST = "2"
    SMTP_HOST                 = ""
    SMTP_PORT                 = "587"
    SMTP_SECURITY             = "starttls"
    SMTP_USERNAME             = ""
    SMTP_PASSWORD             = ""
    MAIL_FROM                 = ""
    IMAP_HOST                 = ""
    IMAP_PORT                 = "993"
    IMAP_SECURITY             = "tls"
    IMAP_USERNAME             = ""
    IMAP_PASSWORD             = ""
    IMAP_MAILBOX              = "INBOX"
    SMTP_AUTH                 = "xoauth2"
    IMAP_AUTH                 = "xoauth2"
    MAIL_OAUTH_SCOPE          = "https://outlook.office365.com/.default"
  }
}

resource "azurerm_resource_group" "main" {
  name     = local.names.resource_group
  location = var.location
  tags     = local.tags
}
