"""The discipline and specialty taxonomy that ships with Practicum.

The data lives in this migration (not imported from app code) so that replaying history
later always produces the same rows. Later additions get a migration of their own.
"""

from django.db import migrations
from django.utils.text import slugify

DISCIPLINES = [
    "Nursing",
    "Medicine",
    "Pharmacy",
    "Physical therapy",
    "Occupational therapy",
    "Medical administration",
    "Physician assistant",
    "Respiratory therapy",
    "Radiologic technology",
    "Medical laboratory science",
    "Dietetics",
    "Speech-language pathology",
    "Public health",
    "Dental hygiene",
    "Paramedicine",
]

_ALL_CLINICAL = [
    "Nursing", "Medicine", "Physician assistant", "Pharmacy", "Respiratory therapy", "Paramedicine",
]

# specialty -> disciplines that practise it
SPECIALTIES = {
    "Cardiology": _ALL_CLINICAL + ["Physical therapy", "Dietetics", "Radiologic technology"],
    "Paediatrics": _ALL_CLINICAL + ["Physical therapy", "Occupational therapy", "Speech-language pathology", "Dietetics", "Dental hygiene"],
    "Emergency medicine": _ALL_CLINICAL + ["Radiologic technology", "Medical laboratory science"],
    "Oncology": _ALL_CLINICAL + ["Dietetics", "Radiologic technology", "Medical laboratory science"],
    "Critical care": _ALL_CLINICAL + ["Physical therapy", "Dietetics"],
    "Geriatrics": _ALL_CLINICAL + ["Physical therapy", "Occupational therapy", "Speech-language pathology", "Dietetics"],
    "Obstetrics and gynaecology": ["Nursing", "Medicine", "Physician assistant", "Radiologic technology"],
    "Neurology": _ALL_CLINICAL + ["Physical therapy", "Occupational therapy", "Speech-language pathology"],
    "Orthopaedics": ["Nursing", "Medicine", "Physician assistant", "Physical therapy", "Occupational therapy", "Radiologic technology"],
    "Psychiatry and mental health": ["Nursing", "Medicine", "Physician assistant", "Pharmacy", "Occupational therapy", "Public health"],
    "Surgery": ["Nursing", "Medicine", "Physician assistant", "Radiologic technology"],
    "Family and primary care": ["Nursing", "Medicine", "Physician assistant", "Pharmacy", "Dietetics", "Public health"],
    "Internal medicine": ["Nursing", "Medicine", "Physician assistant", "Pharmacy"],
    "Infectious disease": ["Nursing", "Medicine", "Pharmacy", "Medical laboratory science", "Public health"],
    "Pulmonology": ["Nursing", "Medicine", "Respiratory therapy", "Physical therapy"],
    "Nephrology": ["Nursing", "Medicine", "Pharmacy", "Dietetics"],
    "Endocrinology": ["Nursing", "Medicine", "Pharmacy", "Dietetics"],
    "Dermatology": ["Nursing", "Medicine", "Physician assistant"],
    "Anaesthesiology": ["Nursing", "Medicine", "Respiratory therapy"],
    "Radiology": ["Medicine", "Radiologic technology"],
    "Ambulatory care pharmacy": ["Pharmacy"],
    "Community pharmacy": ["Pharmacy"],
    "Hospital pharmacy": ["Pharmacy"],
    "Sports and musculoskeletal": ["Physical therapy", "Occupational therapy", "Medicine"],
    "Neurorehabilitation": ["Physical therapy", "Occupational therapy", "Speech-language pathology"],
    "Hand therapy": ["Occupational therapy"],
    "Mental health OT": ["Occupational therapy"],
    "Health information management": ["Medical administration"],
    "Medical billing and coding": ["Medical administration"],
    "Practice management": ["Medical administration"],
    "Patient access and scheduling": ["Medical administration"],
    "Quality and patient safety": ["Medical administration", "Nursing", "Public health"],
    "Clinical chemistry": ["Medical laboratory science"],
    "Microbiology": ["Medical laboratory science"],
    "Haematology and blood bank": ["Medical laboratory science"],
    "Clinical nutrition": ["Dietetics"],
    "Community and public health": ["Nursing", "Public health", "Dietetics", "Dental hygiene"],
    "Voice and swallowing": ["Speech-language pathology"],
    "Preventive dentistry": ["Dental hygiene"],
    "Prehospital care": ["Paramedicine", "Nursing"],
    "Wound care": ["Nursing", "Physical therapy"],
    "Palliative care": ["Nursing", "Medicine", "Pharmacy", "Occupational therapy"],
}


def load(apps, schema_editor):
    Discipline = apps.get_model("accounts", "Discipline")
    Specialty = apps.get_model("accounts", "Specialty")
    by_name = {}
    for name in DISCIPLINES:
        by_name[name], _ = Discipline.objects.get_or_create(slug=slugify(name), defaults={"name": name})
    for name, disciplines in SPECIALTIES.items():
        specialty, _ = Specialty.objects.get_or_create(slug=slugify(name), defaults={"name": name})
        specialty.disciplines.add(*(by_name[d] for d in dict.fromkeys(disciplines)))


def unload(apps, schema_editor):
    apps.get_model("accounts", "Specialty").objects.filter(slug__in=[slugify(n) for n in SPECIALTIES]).delete()
    apps.get_model("accounts", "Discipline").objects.filter(slug__in=[slugify(n) for n in DISCIPLINES]).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
