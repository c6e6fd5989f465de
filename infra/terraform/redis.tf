# Azure Managed Redis with RediSearch for the vector index. RediSearch needs the Enterprise clustering
# policy, and an index must never be evicted: NoEviction. Entra ID only, no access keys.

resource "azurerm_managed_redis" "main" {
  name                      = local.names.redis
  location                  = azurerm_resource_group.main.location
  resource_group_name       = azurerm_resource_group.main.name
  sku_name                  = "Balanced_B0"
  high_availability_enabled = true
  tags                      = local.tags

  default_database {
    client_protocol                    = "Encrypted"
    clustering_policy                  = "EnterpriseCluster"
    eviction_policy                    = "NoEviction"
    access_keys_authentication_enabled = false

    module {
      name = "RediSearch"
    }
  }
}
