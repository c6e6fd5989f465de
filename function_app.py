import azure.durable_functions as df
import azure.functions as func

from blueprints import (
    api_keys,
    articles,
    callers,
    calls,
    canned_replies,
    dashboard,
    health,
    messages,
    pipeline,
    reference,
    roles,
    search,
    tickets,
    uploads,
    voice,
)

# Every route authenticates itself (Static Web Apps principal or API key), so no function keys.
app = df.DFApp(http_auth_level=func.AuthLevel.ANONYMOUS)
app.register_functions(tickets.bp)
app.register_functions(reference.bp)
app.register_functions(api_keys.bp)
app.register_functions(health.bp)
app.register_functions(roles.bp)
app.register_functions(voice.bp)
app.register_functions(pipeline.bp)
app.register_functions(calls.bp)
app.register_functions(search.bp)
app.register_functions(articles.bp)
app.register_functions(dashboard.bp)
app.register_functions(callers.bp)
app.register_functions(messages.bp)
app.register_functions(canned_replies.bp)
app.register_functions(uploads.bp)
