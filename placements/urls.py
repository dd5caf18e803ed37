

app_name = "placements"

urlpatterns: list = []
