variable "environment_name" {
  description = "Names the environment; every resource name starts from it."
  type        = string
  validation {
    condition     = length(var.environment_name) >= 1 && length(var.environment_name) <= 20
    error_message = "environment_name is 1 to 20 characters."
  }
}

variable "location" {
  description = "Region for every resource except the Static Web App and Azure OpenAI."
  type        = string
}

variable "static_web_app_location" {
  description = "Static Web Apps runs in a few regions only."
  type        = string
  default     = "westeurope"
  validation {
    condition     = contains(["westus2", "centralus", "eastus2", "westeurope", "eastasia"], var.static_web_app_location)
    error_message = "Pick a region where Static Web Apps runs."
  }
}

variable "open_ai_location" {
  description = "Region for Azure OpenAI: pick one that offers the three model deployments. Empty means location."
  type        = string
  default     = ""
}

variable "postgres_admin_login" {
  type    = string
  default = "atiende"
}

variable "postgres_admin_password" {
  type      = string
  sensitive = true
  validation {
    condition     = length(var.postgres_admin_password) >= 16
    error_message = "Use at least 16 characters."
  }
}

variable "aad_client_id" {
  description = "Client id of the Entra ID app registration that signs agents in (it defines the agent and admin app roles)."
  type        = string
}

variable "aad_client_secret" {
  type      = string
  sensitive = true
}

variable "twilio_auth_token" {
  description = "Twilio auth token, kept in Key Vault for the voice webhooks."
  type        = string
  sensitive   = true
  default     = ""
}

variable "eleven_labs_api_key" {
  description = "ElevenLabs API key, kept in Key Vault for spoken prompts."
  type        = string
  sensitive   = true
  default     = ""
}

variable "twilio_account_sid" {
  description = "Twilio account SID, for SMS and recording downloads; empty leaves SMS off."
  type        = string
  default     = ""
}

variable "twilio_phone_number" {
  description = "The Twilio phone number callers ring and SMS come from, in E.164."
  type        = string
  default     = ""
}

variable "default_call_locale" {
  description = "The language and accent to answer a call in when neither the caller nor their number tells."
  type        = string
  default     = "es-MX"
  validation {
    condition     = contains(["es-MX", "es-ES", "es-US", "en-US", "en-GB"], var.default_call_locale)
    error_message = "One of es-MX, es-ES, es-US, en-US, en-GB."
  }
}

variable "default_phone_region" {
  description = "Region for phone numbers written without a country code."
  type        = string
  default     = "US"
}

variable "auto_close_days" {
  type    = number
  default = 7
  validation {
    condition     = var.auto_close_days >= 1 && var.auto_close_days <= 365
    error_message = "auto_close_days is 1 to 365."
  }
}

variable "durable_backend" {
  description = "Where Durable Functions keeps the call pipeline: the Durable Task Scheduler (pushes work at once), or the Azure Storage provider (polls its queues, here every second at most)."
  type        = string
  default     = "DurableTaskScheduler"
  validation {
    condition     = contains(["DurableTaskScheduler", "AzureStorage"], var.durable_backend)
    error_message = "DurableTaskScheduler or AzureStorage."
  }
}

variable "durable_scheduler_sku" {
  description = "The Durable Task Scheduler's plan: Consumption bills per action; Dedicated reserves a capacity unit."
  type        = string
  default     = "Consumption"
  validation {
    condition     = contains(["Consumption", "Dedicated"], var.durable_scheduler_sku)
    error_message = "Consumption or Dedicated."
  }
}
