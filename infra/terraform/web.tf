# The Static Web App (Standard, for Entra ID sign-in and a linked backend). Its config
# (static_web/staticwebapp.config.json) reads the Entra ID app registration from these settings.

resource "azurerm_static_web_app" "main" {
  name                = local.names.static_web_app
  location            = var.static_web_app_location
  resource_group_name = azurerm_resource_group.main.name
  sku_tier            = "Standard"
  sku_size            = "Standard"
  tags                = merge(local.tags, { "azd-service-name" = "web" })

  app_settings = {
    AAD_CLIENT_ID     = var.aad_client_id
    AAD_CLIENT_SECRET = var.aad_client_secret
  }
}

# Links the Function App to the Static Web App: /api on the site goes to the app, and the app then
# accepts only traffic that the site forwards.
resource "azurerm_static_web_app_function_app_registration" "api" {
  static_web_app_id = azurerm_static_web_app.main.id
  function_app_id   = azurerm_function_app_flex_consumption.api.id
}
