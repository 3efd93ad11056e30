"""The screens whose domain package sits below the web layer: access, activity, webhooks."""
