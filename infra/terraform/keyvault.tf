# Key Vault in RBAC mode, holding the database URL and the vendor secrets the app reads by reference.

resource "azurerm_key_vault" "main" {
  name                          = local.names.key_vault
  location                      = azurerm_resource_group.main.location
  resource_group_name           = azurerm_resource_group.main.name
  tenant_id                     = data.azurerm_client_config.current.tenant_id
  sku_name                      = "standard"
  rbac_authorization_enabled    = true
  soft_delete_retention_days    = 90
  purge_protection_enabled      = true
  public_network_access_enabled = true
  tags                          = local.tags

  network_acls {
    default_action = "Allow"
    bypass         = "AzureServices"
  }
}

# Whoever runs Terraform writes the secrets, so it needs the data-plane officer role (Bicep writes them
# through Resource Manager and needs none).
resource "azurerm_role_assignment" "deployer_secrets_officer" {
  scope                = azurerm_key_vault.main.id
  role_definition_name = "Key Vault Secrets Officer"
  principal_id         = data.azurerm_client_config.current.object_id
}

locals {
  # Vendor secrets are stored once they are given; an empty one is left out rather than stored blank.
  secrets = merge(
    {
      "database-url"            = "postgresql://${var.postgres_admin_login}:${urlencode(var.postgres_admin_password)}@${azurerm_postgresql_flexible_server.main.fqdn}:5432/${azurerm_postgresql_flexible_server_database.main.name}?sslmode=require"
      "postgres-admin-password" = var.postgres_admin_password
    },
    var.twilio_auth_token == "" ? {} : { "twilio-auth-token" = var.twilio_auth_token },
    var.eleven_labs_api_key == "" ? {} : { "elevenlabs-api-key" = var.eleven_labs_api_key },
  )
}

resource "azurerm_key_vault_secret" "stored" {
  for_each     = nonsensitive(toset(keys(local.secrets)))
  name         = each.key
  value        = local.secrets[each.key]
  content_type = "text/plain"
  key_vault_id = azurerm_key_vault.main.id
  depends_on   = [azurerm_role_assignment.deployer_secrets_officer]
}

resource "azurerm_monitor_diagnostic_setting" "key_vault_audit" {
  name                       = "audit"
  target_resource_id         = azurerm_key_vault.main.id
  log_analytics_workspace_id = azurerm_log_analytics_workspace.main.id

  enabled_log {
    category_group = "audit"
  }
}
