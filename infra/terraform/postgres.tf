# PostgreSQL Flexible Server with TLS required and one database. Reachable from Azure services by a
# firewall rule; infra/README.md explains switching to private access in a virtual network.

resource "azurerm_postgresql_flexible_server" "main" {
  name                          = local.names.postgres
  location                      = azurerm_resource_group.main.location
  resource_group_name           = azurerm_resource_group.main.name
  version                       = "16"
  sku_name                      = "B_Standard_B1ms"
  storage_mb                    = 32768
  auto_grow_enabled             = true
  backup_retention_days         = 14
  geo_redundant_backup_enabled  = true
  administrator_login           = var.postgres_admin_login
  administrator_password        = var.postgres_admin_password
  public_network_access_enabled = true
  tags                          = local.tags

  authentication {
    active_directory_auth_enabled = true
    password_auth_enabled         = true
    tenant_id                     = data.azurerm_client_config.current.tenant_id
  }

  lifecycle {
    ignore_changes = [zone]
  }
}

resource "azurerm_postgresql_flexible_server_configuration" "require_tls" {
  name      = "require_secure_transport"
  server_id = azurerm_postgresql_flexible_server.main.id
  value     = "on"
}

# Flexible Server creates only the extensions on this list; migration 013 creates unaccent for accent-insensitive
# search. After require_tls: the server takes one configuration change at a time.
resource "azurerm_postgresql_flexible_server_configuration" "extensions" {
  name       = "azure.extensions"
  server_id  = azurerm_postgresql_flexible_server.main.id
  value      = "UNACCENT"
  depends_on = [azurerm_postgresql_flexible_server_configuration.require_tls]
}

resource "azurerm_postgresql_flexible_server_database" "main" {
  name      = "atiende"
  server_id = azurerm_postgresql_flexible_server.main.id
  charset   = "UTF8"
  collation = "en_US.utf8"
}

# 0.0.0.0 is Azure's convention for "services inside Azure", which the Flex Consumption app needs.
resource "azurerm_postgresql_flexible_server_firewall_rule" "azure_services" {
  name             = "AllowAzureServices"
  server_id        = azurerm_postgresql_flexible_server.main.id
  start_ip_address = "0.0.0.0"
  end_ip_address   = "0.0.0.0"
}
