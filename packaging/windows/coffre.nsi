; Coffre's Windows installer (NSIS 3, Modern UI 2, in French), built by
; packaging/windows/build.sh (make windows) with
;   -DVERSION=0.1.0 -DVERSION4=0.1.0.1 -DDIST=<dist folder> -DBUILD=<dist/build>
; It installs coffre.exe and coffre-cli.exe in Program Files, a Start-menu
; entry, the uninstaller listed in « Applications et fonctionnalités », the
; .pbf/.ptf/.paf associations (a double-click opens the wizard on that file)
; and, if ticked, the automatic backup (coffre-cli.exe service installer).
; Silent: Coffre-Installation-<version>.exe /S [/D=C:\chemin].

Unicode true
Target amd64-unicode
!include "MUI2.nsh"
!include "LogicLib.nsh"
!include "FileFunc.nsh"

!define APP "Coffre"
!define PUBLISHER "Coffre"
!define UNINST "Software\Microsoft\Windows\CurrentVersion\Uninstall\Coffre"
!define UNINSTALLER "Desinstaller Coffre.exe"

Name "${APP} ${VERSION}"
OutFile "${DIST}\Coffre-Installation-${VERSION}.exe"
InstallDir "$PROGRAMFILES64\Coffre"
InstallDirRegKey HKLM "Software\Coffre" "Dossier"
RequestExecutionLevel admin
SetCompressor /SOLID lzma
ShowInstDetails show
ShowUninstDetails show
BrandingText "${APP} ${VERSION}"

VIProductVersion "${VERSION4}"
VIFileVersion "${VERSION4}"
VIAddVersionKey /LANG=1036 "ProductName" "${APP}"
VIAddVersionKey /LANG=1036 "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=1036 "FileDescription" "Installation de Coffre ${VERSION}"
VIAddVersionKey /LANG=1036 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=1036 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=1036 "LegalCopyright" "© ${PUBLISHER}"

!define MUI_ICON "${BUILD}\coffre.ico"
!define MUI_UNICON "${BUILD}\coffre.ico"
!define MUI_ABORTWARNING
!define MUI_WELCOMEPAGE_TITLE "Installation de Coffre ${VERSION}"
!define MUI_WELCOMEPAGE_TEXT "Coffre sauvegarde, vérifie et restaure les dossiers comptables de votre logiciel de gestion.$\r$\n$\r$\nCet assistant installe Coffre sur cet ordinateur : le programme, son entrée dans le menu Démarrer et l'ouverture des fichiers de sauvegarde (.pbf), de transfert (.ptf) et d'archive (.paf) d'un double-clic.$\r$\n$\r$\nVos dossiers et vos sauvegardes ne sont pas touchés.$\r$\n$\r$\nCliquez sur Suivant pour continuer."
!define MUI_COMPONENTSPAGE_SMALLDESC
!define MUI_FINISHPAGE_RUN "$INSTDIR\coffre.exe"
!define MUI_FINISHPAGE_RUN_TEXT "Ouvrir Coffre maintenant"
!define MUI_FINISHPAGE_TEXT "Coffre est installé. Il se trouve dans le menu Démarrer ; pour les scripts et le Planificateur de tâches, utilisez coffre-cli.exe (dans $INSTDIR)."

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "French"

; Assoc EXT CLASS DESCRIPTION: EXT opens with coffre.exe "%1".
!macro Assoc EXT CLASS DESCRIPTION
  WriteRegStr HKLM "Software\Classes\${EXT}" "" "${CLASS}"
  WriteRegStr HKLM "Software\Classes\${CLASS}" "" "${DESCRIPTION}"
  WriteRegStr HKLM "Software\Classes\${CLASS}\DefaultIcon" "" "$INSTDIR\coffre.exe,0"
  WriteRegStr HKLM "Software\Classes\${CLASS}\shell\open\command" "" '"$INSTDIR\coffre.exe" "%1"'
!macroend

; Unassoc EXT CLASS: removes the association, only if it is still Coffre's.
!macro Unassoc EXT CLASS
  ReadRegStr $0 HKLM "Software\Classes\${EXT}" ""
  ${If} $0 == "${CLASS}"
    DeleteRegKey HKLM "Software\Classes\${EXT}"
  ${EndIf}
  DeleteRegKey HKLM "Software\Classes\${CLASS}"
!macroend

Section "Coffre (programme et menu Démarrer)" SecMain
  SectionIn RO
  SetShellVarContext all
  SetOutPath "$INSTDIR"
  File "${DIST}\coffre.exe"
  File "${DIST}\coffre-cli.exe"
  WriteUninstaller "$INSTDIR\${UNINSTALLER}"
  CreateShortcut "$SMPROGRAMS\Coffre.lnk" "$INSTDIR\coffre.exe" "" "$INSTDIR\coffre.exe" 0 SW_SHOWNORMAL "" "Sauvegarder, vérifier et restaurer les dossiers comptables"
  WriteRegStr HKLM "Software\Coffre" "Dossier" "$INSTDIR"
  WriteRegStr HKLM "${UNINST}" "DisplayName" "${APP}"
  WriteRegStr HKLM "${UNINST}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINST}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKLM "${UNINST}" "DisplayIcon" "$INSTDIR\coffre.exe,0"
  WriteRegStr HKLM "${UNINST}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${UNINST}" "UninstallString" '"$INSTDIR\${UNINSTALLER}"'
  WriteRegStr HKLM "${UNINST}" "QuietUninstallString" '"$INSTDIR\${UNINSTALLER}" /S'
  WriteRegDWORD HKLM "${UNINST}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINST}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD HKLM "${UNINST}" "EstimatedSize" $0
SectionEnd

Section "Ouvrir les fichiers .pbf, .ptf et .paf avec Coffre" SecAssoc
  !insertmacro Assoc ".pbf" "Coffre.Sauvegarde" "Sauvegarde Coffre"
  !insertmacro Assoc ".ptf" "Coffre.Transfert" "Transfert partiel Coffre"
  !insertmacro Assoc ".paf" "Coffre.Archive" "Archive d'exercices Coffre"
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
SectionEnd

Section /o "Sauvegarde automatique (tâche planifiée)" SecAuto
  DetailPrint "Enregistrement de la sauvegarde automatique…"
  nsExec::ExecToLog '"$INSTDIR\coffre-cli.exe" service installer'
  Pop $0
  ${If} $0 != 0
    DetailPrint "La sauvegarde automatique n'a pas pu être enregistrée (code $0) : activez-la depuis Coffre (Configuration, « Sauvegarder automatiquement »)."
  ${EndIf}
SectionEnd

!insertmacro MUI_FUNCTION_DESCRIPTION_BEGIN
  !insertmacro MUI_DESCRIPTION_TEXT ${SecMain} "coffre.exe (l'assistant), coffre-cli.exe (la ligne de commande pour les scripts) et l'entrée du menu Démarrer."
  !insertmacro MUI_DESCRIPTION_TEXT ${SecAssoc} "Un double-clic sur une sauvegarde ouvre sa restauration ; sur un transfert, sa réception ; sur une archive, son import."
  !insertmacro MUI_DESCRIPTION_TEXT ${SecAuto} "Enregistre dans le Planificateur de tâches la sauvegarde automatique du compte qui installe : elle démarre à l'ouverture de session et chaque jour à l'heure réglée dans Coffre."
!insertmacro MUI_FUNCTION_DESCRIPTION_END

Section "Uninstall"
  SetShellVarContext all
  ; The automatic backup of the account that uninstalls; the user's data
  ; (%APPDATA%\Coffre: settings, history, backups) is kept.
  nsExec::ExecToLog '"$INSTDIR\coffre-cli.exe" service desinstaller'
  Pop $0
  !insertmacro Unassoc ".pbf" "Coffre.Sauvegarde"
  !insertmacro Unassoc ".ptf" "Coffre.Transfert"
  !insertmacro Unassoc ".paf" "Coffre.Archive"
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
  Delete "$SMPROGRAMS\Coffre.lnk"
  Delete "$INSTDIR\coffre.exe"
  Delete "$INSTDIR\coffre-cli.exe"
  Delete "$INSTDIR\${UNINSTALLER}"
  RMDir "$INSTDIR"
  DeleteRegKey HKLM "${UNINST}"
  DeleteRegKey HKLM "Software\Coffre"
SectionEnd
