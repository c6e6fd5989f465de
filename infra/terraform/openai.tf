# Azure OpenAI with one deployment each for embeddings, chat (ticket analysis) and transcription.
# Keys are off: the app calls it with its managed identity.

resource "azurerm_cognitive_account" "open_ai" {
  name                  = local.names.open_ai
  location              = local.open_ai_location
  resource_group_name   = azurerm_resource_group.main.name
  kind                  = "OpenAI"
  sku_name              = "S0"
  custom_subdomain_name = local.names.open_ai
  local_auth_enabled    = false
  # The account never calls out; nothing can be sent elsewhere from it.
  outbound_network_access_restricted = true
  fqdns                              = []
  tags                  = local.tags

  identity {
    type = "SystemAssigned"
  }
}

locals {
  model_deployments = {
    embeddings    = { model = "text-embedding-3-small", version = "1", capacity = 50 }
    chat          = { model = "gpt-4o-mini", version = "2024-07-18", capacity = 30 }
    transcription = { model = "gpt-4o-mini-transcribe", version = "2025-03-20", capacity = 10 }
  }
}

resource "azurerm_cognitive_deployment" "models" {
  for_each             = local.model_deployments
  name                 = each.key
  cognitive_account_id = azurerm_cognitive_account.open_ai.id

  model {
    format  = "OpenAI"
    name    = each.value.model
    version = each.value.version
  }

  sku {
    name     = "Standard"
    capacity = each.value.capacity
  }
}
